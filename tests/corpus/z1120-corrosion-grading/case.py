"""Ordinal severity grading of pipeline corrosion inspection notes.

CORAL-style head: one shared score plus K-1 ordered thresholds, trained with
binary cross-entropy on the rank targets. Small BERT from scratch, Lightning loop.
"""
import os
import tempfile

import lightning as L
import torch
import torch.nn.functional as F
import yaml
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

SETTINGS = """
defaults: &defaults
  seed: 11
  model:
    hidden_size: 32
    layers: 1
    heads: 2
    ffn: 64
    max_len: 24
    num_grades: 5
  optim:
    lr: 3.0e-4
    batch_size: 4

quick:
  <<: *defaults

field_audit:
  <<: *defaults
  optim:
    lr: 1.0e-4
    batch_size: 8
"""
PROFILE = os.environ.get("CORROSION_PROFILE", "quick")

NOTES = [
    ("clean coating no pitting observed", 0),
    ("minor surface rust near weld", 1),
    ("light pitting on lower flange", 1),
    ("moderate pitting along seam wall loss small", 2),
    ("coating blistered moderate rust scale", 2),
    ("deep pitting wall loss near valve", 3),
    ("severe scale heavy wall loss at elbow", 3),
    ("through wall leak active seepage", 4),
    ("clean coating intact weld", 0),
    ("severe pitting through wall near flange", 4),
    ("minor rust scale on support", 1),
    ("deep pitting along seam heavy scale", 3),
]


def write_vocab(words):
    d = tempfile.mkdtemp(prefix="corrosion_vocab_")
    path = os.path.join(d, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)))
    return path


class InspectionNotes(Dataset):
    def __init__(self, rows, tokenizer, max_len, num_grades):
        texts = [t for t, _ in rows]
        self.enc = tokenizer(texts, padding="max_length", truncation=True,
                             max_length=max_len, return_tensors="pt")
        grades = torch.tensor([g for _, g in rows])
        # rank targets for the threshold head
        self.rank_targets = F.one_hot(grades, num_classes=num_grades).float()
        self.grades = grades

    def __len__(self):
        return len(self.grades)

    def __getitem__(self, i):
        return {
            "input_ids": self.enc["input_ids"][i],
            "attention_mask": self.enc["attention_mask"][i],
            "rank_targets": self.rank_targets[i],
            "grade": self.grades[i],
        }


class CoralGrader(L.LightningModule):
    def __init__(self, vocab_size, mcfg, lr):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=mcfg["hidden_size"],
                         num_hidden_layers=mcfg["layers"], num_attention_heads=mcfg["heads"],
                         intermediate_size=mcfg["ffn"], max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.score = torch.nn.Linear(mcfg["hidden_size"], 1, bias=False)
        self.thresholds = torch.nn.Parameter(torch.zeros(mcfg["num_grades"] - 1))
        self.lr = lr

    def forward(self, input_ids, attention_mask):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        return self.score(h) + self.thresholds  # (batch, K-1)

    def training_step(self, batch, batch_idx):
        logits = self(batch["input_ids"], batch["attention_mask"])
        t = batch["rank_targets"]
        log_p = F.logsigmoid(logits)
        loss = -(log_p * t + (log_p - logits) * (1 - t)).sum(dim=1).mean()
        if batch_idx == 0:
            print(f"  step0 loss={loss.item():.4f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    profile = yaml.safe_load(SETTINGS)[PROFILE]
    L.seed_everything(profile["seed"], verbose=False)
    mcfg = profile["model"]

    words = {w for text, _ in NOTES for w in text.split()}
    tok = BertTokenizer(write_vocab(words))
    ds = InspectionNotes(NOTES, tok, mcfg["max_len"], mcfg["num_grades"])
    loader = DataLoader(ds, batch_size=profile["optim"]["batch_size"], shuffle=True)
    print(f"profile={PROFILE} notes={len(ds)} grades={mcfg['num_grades']}")

    model = CoralGrader(tok.vocab_size, mcfg, profile["optim"]["lr"])
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)

    model.eval()
    with torch.no_grad():
        logits = model(ds.enc["input_ids"], ds.enc["attention_mask"])
        pred = (torch.sigmoid(logits) > 0.5).sum(dim=1)
    mae = (pred - ds.grades).abs().float().mean().item()
    print(f"train MAE (grades): {mae:.3f}")


if __name__ == "__main__":
    main()
