# Track inspection reports -> defect severity score (0-10). Small BERT regressor, 3-fold CV, OOF RMSE.
import os
import re
import math
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


class CFG:
    seed = 7
    n_folds = 3
    epochs = 2
    batch_size = 4
    lr = 5e-4
    max_len = 40
    hidden_size = 32
    n_layers = 1
    n_heads = 2
    vocab_size = None  # filled in once the tokenizer is built
    markers = ["[LINE]", "[KM]"]


DATA = [
    {"line": "north main", "km": 12.4, "report": "gauge widening of 9 mm on curve, two loose fastenings", "severity": 6.5},
    {"line": "north main", "km": 15.1, "report": "minor ballast shortage at sleeper ends", "severity": 2.0},
    {"line": "coast branch", "km": 3.8, "report": "broken rail at joint, speed restriction imposed", "severity": 9.5},
    {"line": "coast branch", "km": 7.2, "report": "squat defect on head of rail, monitor monthly", "severity": 4.5},
    {"line": "valley loop", "km": 21.0, "report": "cracked concrete sleeper, fastening still holding", "severity": 3.5},
    {"line": "valley loop", "km": 22.6, "report": "twist fault over short base, mud pumping at crossing", "severity": 7.0},
    {"line": "north main", "km": 30.3, "report": "rail head wear within limits, no action", "severity": 1.0},
    {"line": "coast branch", "km": 11.9, "report": "wet bed under joint, dipped joint of 6 mm", "severity": 5.5},
    {"line": "valley loop", "km": 25.5, "report": "washout of shoulder ballast after storm, line closed", "severity": 9.0},
    {"line": "north main", "km": 41.7, "report": "vegetation on cess, drainage partly blocked", "severity": 1.5},
    {"line": "coast branch", "km": 14.0, "report": "lateral misalignment on curve, heat buckle risk", "severity": 8.0},
    {"line": "valley loop", "km": 28.2, "report": "loose fishplate bolts at insulated joint", "severity": 4.0},
]


def seed_everything(seed):
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    torch.manual_seed(seed)


def make_text(row):
    return f"[LINE] {row['line']} [KM] {row['km']:.1f} {row['report']}"


def build_tokenizer(rows):
    toks = sorted({t for r in rows for t in re.findall(r"\w+|[^\w\s]", r["line"] + " " + r["report"])})
    vocab_dir = tempfile.mkdtemp()
    with open(os.path.join(vocab_dir, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [str(d) for d in range(10)] + toks))
    tokenizer = BertTokenizer(os.path.join(vocab_dir, "vocab.txt"))
    tokenizer.add_special_tokens({"additional_special_tokens": CFG.markers})
    return tokenizer


class TrackDataset(Dataset):
    def __init__(self, rows, tokenizer):
        self.rows = rows
        self.tokenizer = tokenizer

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        enc = self.tokenizer(make_text(self.rows[idx]), max_length=CFG.max_len, padding="max_length",
                             truncation=True, return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["score"] = torch.tensor(self.rows[idx]["severity"], dtype=torch.float)
        return item


class SeverityRegressor(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.fc = nn.Linear(config.hidden_size, 1)

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        return self.fc(out.last_hidden_state[:, 0]).squeeze(-1)


def get_model():
    config = BertConfig(vocab_size=CFG.vocab_size, hidden_size=CFG.hidden_size, num_hidden_layers=CFG.n_layers,
                        num_attention_heads=CFG.n_heads, intermediate_size=4 * CFG.hidden_size,
                        max_position_embeddings=64)
    return SeverityRegressor(config)


def train_fn(model, loader, optimizer, loss_fn):
    model.train()
    losses = []
    for batch in loader:
        target = batch.pop("score")
        loss = loss_fn(model(**batch), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


@torch.no_grad()
def valid_fn(model, loader):
    model.eval()
    out = []
    for batch in loader:
        batch.pop("score")
        out.append(model(**batch))
    return torch.cat(out)


def run():
    seed_everything(CFG.seed)
    tokenizer = build_tokenizer(DATA)
    CFG.vocab_size = len(tokenizer)
    print(f"tokenizer ready, vocab_size={CFG.vocab_size}")
    folds = [i % CFG.n_folds for i in range(len(DATA))]
    random.shuffle(folds)
    oof = torch.zeros(len(DATA))
    for fold in range(CFG.n_folds):
        tr = [DATA[i] for i in range(len(DATA)) if folds[i] != fold]
        va_idx = [i for i in range(len(DATA)) if folds[i] == fold]
        tr_dl = DataLoader(TrackDataset(tr, tokenizer), batch_size=CFG.batch_size, shuffle=True)
        va_dl = DataLoader(TrackDataset([DATA[i] for i in va_idx], tokenizer), batch_size=CFG.batch_size)
        model = get_model()
        optimizer = torch.optim.AdamW(model.parameters(), lr=CFG.lr, weight_decay=0.01)
        for epoch in range(CFG.epochs):
            mse = train_fn(model, tr_dl, optimizer, nn.MSELoss())
            print(f"fold {fold} | epoch {epoch} | train mse {mse:.3f}")
        oof[va_idx] = valid_fn(model, va_dl)
    y = torch.tensor([r["severity"] for r in DATA])
    print(f"OOF RMSE: {math.sqrt(((oof - y) ** 2).mean().item()):.3f}")


if __name__ == "__main__":
    run()
