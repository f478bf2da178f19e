# Lighthouse keeper logbook -> event category. CV baseline with a small BERT trained from scratch.
import os
import re
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


class CFG:
    seed = 42
    n_folds = 3
    epochs = 2
    batch_size = 4
    lr = 3e-4
    max_len = 64
    hidden_size = 32
    num_classes = 4
    text_col = "entry"
    target_col = "event"


LABELS = ["fog", "storm", "maintenance", "vessel"]
LABEL2ID = {k: i for i, k in enumerate(LABELS)}

ROWS = [
    {"entry": "Thick fog from the east at dawn, horn sounded every two minutes.", "event": "fog"},
    {"entry": "Gale rising, heavy seas breaking over the lower gallery.", "event": "storm"},
    {"entry": "Cleaned the lens and trimmed the wicks, brass polished.", "event": "maintenance"},
    {"entry": "Schooner passed close inshore heading north under full sail.", "event": "vessel"},
    {"entry": "Storm through the night, one pane of the lantern room cracked.", "event": "storm"},
    {"entry": "Steamer signalled by flag, answered and logged her name.", "event": "vessel"},
    {"entry": "Dense fog again, horn running since four in the morning.", "event": "fog"},
    {"entry": "Wind backed to the south west, heavy rain and a rising gale.", "event": "storm"},
    {"entry": "Replaced the cracked pane and cleaned soot from the lantern.", "event": "maintenance"},
    {"entry": "Sea fog rolled in at dusk, the light barely visible from the cottage.", "event": "fog"},
    {"entry": "Very heavy seas, spray reaching the lantern, all hands awake.", "event": "storm"},
    {"entry": "Supply boat arrived late in the morning after waiting two days for the swell to drop. Landed coal, "
              "oil, flour and the mail, and took off the relief keeper who has been ill since last week. The master "
              "reported a brig aground on the outer sands to the north, crew safe and taken off by the lifeboat, her "
              "cargo of timber washing up along the beach. Signalled the coastguard and logged the wreck.",
     "event": "vessel"},
    {"entry": "Fog and drizzle, horn sounded for eleven hours.", "event": "fog"},
]


def seed_everything(seed):
    random.seed(seed)
    torch.manual_seed(seed)


def build_tokenizer(rows):
    words = sorted({w for r in rows for w in re.findall(r"\w+|[^\w\s]", r[CFG.text_col].lower())})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def prepare_input(tokenizer, text):
    enc = tokenizer(text, add_special_tokens=True, return_token_type_ids=False)
    return {k: torch.tensor(v, dtype=torch.long) for k, v in enc.items()}


class LogbookDataset(Dataset):
    def __init__(self, rows, tokenizer):
        self.rows, self.tokenizer = rows, tokenizer

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        inputs = prepare_input(self.tokenizer, self.rows[idx][CFG.text_col])
        inputs["target"] = torch.tensor(LABEL2ID[self.rows[idx][CFG.target_col]])
        return inputs


def collate(batch):
    width = max(len(b["input_ids"]) for b in batch)
    out = {"input_ids": torch.zeros(len(batch), width, dtype=torch.long),
           "attention_mask": torch.zeros(len(batch), width, dtype=torch.long)}
    for i, b in enumerate(batch):
        n = len(b["input_ids"])
        out["input_ids"][i, :n] = b["input_ids"]
        out["attention_mask"][i, :n] = b["attention_mask"]
    out["target"] = torch.stack([b["target"] for b in batch])
    return out


class LogbookModel(nn.Module):
    def __init__(self, config, n_classes):
        super().__init__()
        self.backbone = BertModel(config)
        self.head = nn.Linear(config.hidden_size, n_classes)

    def forward(self, input_ids, attention_mask):
        hs = self.backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        w = attention_mask.unsqueeze(-1).float()
        pooled = (hs * w).sum(1) / w.sum(1).clamp(min=1.0)
        return self.head(pooled)


def get_model(tokenizer):
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=CFG.hidden_size, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=CFG.max_len)
    return LogbookModel(config, CFG.num_classes)


def train_fn(loader, model, optimizer, criterion):
    model.train()
    total = 0.0
    for batch in loader:
        target = batch.pop("target")
        loss = criterion(model(**batch), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / len(loader)


@torch.no_grad()
def valid_fn(loader, model):
    model.eval()
    preds = []
    for batch in loader:
        batch.pop("target")
        preds.append(model(**batch).softmax(-1))
    return torch.cat(preds)


def main():
    seed_everything(CFG.seed)
    for i, r in enumerate(ROWS):
        r["fold"] = i % CFG.n_folds
    tokenizer = build_tokenizer(ROWS)
    oof = torch.zeros(len(ROWS), CFG.num_classes)
    for fold in range(CFG.n_folds):
        tr_idx = [i for i, r in enumerate(ROWS) if r["fold"] != fold]
        va_idx = [i for i, r in enumerate(ROWS) if r["fold"] == fold]
        tr_loader = DataLoader(LogbookDataset([ROWS[i] for i in tr_idx], tokenizer), batch_size=CFG.batch_size,
                               shuffle=True, collate_fn=collate)
        va_loader = DataLoader(LogbookDataset([ROWS[i] for i in va_idx], tokenizer), batch_size=CFG.batch_size,
                               shuffle=False, collate_fn=collate)
        model = get_model(tokenizer)
        optimizer = torch.optim.AdamW(model.parameters(), lr=CFG.lr)
        criterion = nn.CrossEntropyLoss()
        for epoch in range(CFG.epochs):
            avg_loss = train_fn(tr_loader, model, optimizer, criterion)
            print(f"fold {fold} epoch {epoch} train loss {avg_loss:.4f}")
        oof[va_idx] = valid_fn(va_loader, model)
    y = torch.tensor([LABEL2ID[r[CFG.target_col]] for r in ROWS])
    print(f"OOF accuracy: {(oof.argmax(-1) == y).float().mean().item():.4f}")


if __name__ == "__main__":
    main()
