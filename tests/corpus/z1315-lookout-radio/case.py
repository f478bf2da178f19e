"""Multi-flag tagging of fire-lookout radio log entries (Lightning + tiny BERT).

Every entry can raise any of three flags for the dispatch desk. Entries that raise
rarer flags are weighted up in the loss so they are not drowned out by routine calls.
"""
import os
import tempfile

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(21, verbose=False)

FLAGS = ["smoke", "strike", "crew"]

ENTRIES = [
    {"text": "thin white smoke rising behind the north ridge", "smoke": 1, "strike": 0, "crew": 1},
    {"text": "dry lightning over the valley no smoke yet", "smoke": 0, "strike": 1, "crew": 0},
    {"text": "all clear on the evening sweep", "smoke": 0, "strike": 0, "crew": 0},
    {"text": "strike on the saddle and a column of smoke building", "smoke": 1, "strike": 1, "crew": 1},
    {"text": "haze drifting in from the west probably old burn", "smoke": 1, "strike": 0, "crew": 0},
    {"text": "thunder cell passing east with cloud to ground strikes", "smoke": 0, "strike": 1, "crew": 0},
]
# transcribed from the 2019 paper logbooks
ENTRIES += [
    {"text": "campfire smoke near the lake trailhead", "smoke": 1, "strike": 0},
    {"text": "quiet day good visibility", "smoke": 0, "strike": 0},
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="lookout_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class RadioLog(Dataset):
    def __init__(self, entries):
        self.entries = entries

    def __len__(self):
        return len(self.entries)

    def __getitem__(self, idx):
        return tuple(self.entries[idx].values())


class Collator:
    def __init__(self, tokenizer, max_len=24):
        self.tokenizer = tokenizer
        self.max_len = max_len

    def __call__(self, batch):
        texts, *flag_columns = zip(*batch)
        enc = self.tokenizer(list(texts), padding=True, truncation=True,
                             max_length=self.max_len, return_tensors="pt")
        enc["flags"] = torch.tensor(flag_columns, dtype=torch.float).T
        return enc


class LookoutTagger(L.LightningModule):
    def __init__(self, vocab_size, flag_weights):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
        self.bert = BertModel(cfg)
        self.out = torch.nn.Linear(cfg.hidden_size, len(FLAGS))
        self.register_buffer("flag_weights", torch.tensor(flag_weights))

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids).pooler_output
        return self.out(hidden)

    def training_step(self, batch, batch_idx):
        flags = batch.pop("flags")
        logits = self(**batch)
        boost = 1.0 + (flags * self.flag_weights).sum(dim=1)
        per_entry = F.binary_cross_entropy_with_logits(logits, flags, reduction="none").mean(dim=1)
        loss = (per_entry * boost).mean()
        self.log("train_loss", loss, prog_bar=False, batch_size=flags.size(0))
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-3)


def main():
    tokenizer = BertTokenizer(write_vocab([e["text"] for e in ENTRIES]))
    positives = torch.tensor([[e.get(f, 0) for f in FLAGS] for e in ENTRIES], dtype=torch.float)
    rarity = (1.0 / positives.mean(dim=0).clamp(min=0.05)).tolist()
    print("flag weights:", dict(zip(FLAGS, [round(w, 2) for w in rarity])))

    loader = DataLoader(RadioLog(ENTRIES), batch_size=4, shuffle=True,
                        collate_fn=Collator(tokenizer))
    model = LookoutTagger(tokenizer.vocab_size, rarity)
    trainer = L.Trainer(max_epochs=3, accelerator="cpu", logger=False,
                        enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False, log_every_n_steps=1)
    trainer.fit(model, loader)
    print("final train_loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
