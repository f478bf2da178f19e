"""Multi-label tagging of track inspection notes with a tiny BERT in Lightning.
Decision thresholds per tag come from the threshold-tuning job's artifacts."""
import json
import os
import tempfile
from dataclasses import dataclass, field

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(11, verbose=False)

DEFECT_TAGS = ["rail_crack", "loose_fastener", "ballast_fouling", "gauge_spread", "sleeper_rot"]

NOTES = [
    ("hairline crack near weld at km 12 joint", ["rail_crack"]),
    ("several clips missing and bolts loose on curve", ["loose_fastener"]),
    ("mud pumping through ballast after rain", ["ballast_fouling"]),
    ("gauge measured wide on sharp curve", ["gauge_spread"]),
    ("timber sleepers soft and split at crossing", ["sleeper_rot"]),
    ("crack at weld and clips loose nearby", ["rail_crack", "loose_fastener"]),
    ("fouled ballast with rotten sleepers in cutting", ["ballast_fouling", "sleeper_rot"]),
    ("wide gauge where sleepers are rotten", ["gauge_spread", "sleeper_rot"]),
    ("no defects observed track in good order", []),
    ("bolts loose at joint bar", ["loose_fastener"]),
    ("transverse crack on rail head", ["rail_crack"]),
    ("ballast contaminated with fines and mud", ["ballast_fouling"]),
    ("gauge spread beyond limit at switch", ["gauge_spread"]),
    ("split sleepers and missing clips", ["sleeper_rot", "loose_fastener"]),
    ("crack found during ultrasonic test", ["rail_crack"]),
    ("drainage blocked ballast fouled", ["ballast_fouling"]),
]

# artifacts written by the threshold tuning job for each tagger head
TUNED = {
    "defect_thresholds.json": dict(zip(DEFECT_TAGS, [0.42, 0.55, 0.38, 0.61, 0.47])),
    "urgency_thresholds.json": {"immediate": 0.35, "within_week": 0.5, "routine": 0.3},
}


@dataclass
class TaggerConfig:
    artifacts_dir: str
    tags: list = field(default_factory=lambda: list(DEFECT_TAGS))
    thresholds_file: str = "urgency_thresholds.json"
    max_len: int = 24
    lr: float = 3e-4
    batch_size: int = 4


def write_artifacts(root):
    for fname, thr in TUNED.items():
        with open(os.path.join(root, fname), "w") as fh:
            json.dump(thr, fh)


def make_tokenizer(root):
    words = sorted({w for text, _ in NOTES for w in text.split()})
    path = os.path.join(root, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def load_thresholds(cfg):
    with open(os.path.join(cfg.artifacts_dir, cfg.thresholds_file)) as fh:
        per_tag = json.load(fh)
    return torch.tensor(list(per_tag.values()), dtype=torch.float32)


class InspectionTagger(L.LightningModule):
    def __init__(self, cfg, vocab_size, cut_points):
        super().__init__()
        self.cfg = cfg
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64,
                              max_position_embeddings=cfg.max_len)
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.head = nn.Linear(bert_cfg.hidden_size, len(cfg.tags))
        self.loss_fn = nn.BCEWithLogitsLoss()
        self.register_buffer("cut_points", cut_points)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(hidden[:, 0])

    def training_step(self, batch, batch_idx):
        logits = self(batch["input_ids"], batch["attention_mask"])
        return self.loss_fn(logits, batch["targets"])

    def validation_step(self, batch, batch_idx):
        logits = self(batch["input_ids"], batch["attention_mask"])
        probs = torch.sigmoid(logits)
        decided = (probs >= self.cut_points).float()
        exact = (decided == batch["targets"]).all(dim=1).float().mean()
        self.log("val_exact_match", exact, prog_bar=False, batch_size=len(logits))

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.cfg.lr)


def collate_notes(rows, tokenizer, cfg):
    enc = tokenizer([t for t, _ in rows], padding=True, truncation=True,
                    max_length=cfg.max_len, return_tensors="pt")
    targets = torch.zeros(len(rows), len(cfg.tags))
    for i, (_, tags) in enumerate(rows):
        for tag in tags:
            targets[i, cfg.tags.index(tag)] = 1.0
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "targets": targets}


def main():
    root = tempfile.mkdtemp(prefix="rail_tagger_")
    write_artifacts(root)
    cfg = TaggerConfig(artifacts_dir=root)
    tok = make_tokenizer(root)
    cuts = load_thresholds(cfg)
    print(f"{len(cfg.tags)} tags, thresholds from {cfg.thresholds_file}: {cuts.tolist()}")

    collate = lambda rows: collate_notes(rows, tok, cfg)
    train_dl = DataLoader(NOTES[:12], batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(NOTES[12:], batch_size=cfg.batch_size, collate_fn=collate)

    model = InspectionTagger(cfg, tok.vocab_size, cuts)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, train_dl, val_dl)
    print("val exact match:", trainer.callback_metrics.get("val_exact_match"))


if __name__ == "__main__":
    main()
