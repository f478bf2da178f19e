"""Two-level incident classifier for port-state-control reports (Lightning).

Parent head predicts the broad incident family, child head the specific type.
Loss is a weighted sum so the parent head stays calibrated when child data is thin.
"""
import re
import os
import tempfile
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

warnings.filterwarnings("ignore")
L.seed_everything(7, verbose=False)

TAXONOMY = {
    "navigation": ["grounding", "collision", "near_miss"],
    "machinery": ["engine_failure", "steering_loss", "fuel_contamination"],
    "cargo": ["container_loss", "shifting_cargo"],
    "personnel": ["injury_fall", "man_overboard"],
}
PARENTS = list(TAXONOMY)
CHILDREN = [c for p in PARENTS for c in TAXONOMY[p]]
CHILD_TO_PARENT = {c: PARENTS.index(p) for p in PARENTS for c in TAXONOMY[p]}

REPORTS = [
    ("vessel touched bottom near the channel buoy at low tide", "grounding"),
    ("bulk carrier struck a moored tug while berthing", "collision"),
    ("fishing boat crossed the bow at close range, no contact", "near_miss"),
    ("main engine stopped after lube oil pressure alarm", "engine_failure"),
    ("rudder did not respond to helm during approach", "steering_loss"),
    ("water found in bunker samples after loading fuel", "fuel_contamination"),
    ("three containers lost overboard in heavy swell", "container_loss"),
    ("timber deck cargo moved and vessel took a list", "shifting_cargo"),
    ("crew member slipped on wet deck and broke wrist", "injury_fall"),
    ("deckhand fell overboard during mooring, recovered", "man_overboard"),
    ("ship ran aground on sandbank outside fairway", "grounding"),
    ("steering gear pump failed, vessel drifted", "steering_loss"),
]


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower())})
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def make_collate(tok):
    def collate(rows):
        texts = [r[0] for r in rows]
        enc = tok(texts, padding=True, return_tensors="pt")
        fine = torch.tensor([CHILDREN.index(r[1]) for r in rows])
        coarse = torch.tensor([CHILD_TO_PARENT[r[1]] for r in rows])
        return dict(enc), fine, coarse
    return collate


class HierarchicalTagger(L.LightningModule):
    def __init__(self, vocab_size, parent_weight=0.4, lr=3e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.parent_head = nn.Linear(cfg.hidden_size, len(PARENTS))
        self.child_head = nn.Linear(cfg.hidden_size, len(CHILDREN))

    def forward(self, **enc):
        pooled = self.encoder(**enc).last_hidden_state[:, 0]
        return self.parent_head(pooled), self.child_head(pooled)

    def training_step(self, batch, batch_idx):
        enc, coarse, fine = batch
        parent_logits, child_logits = self(**enc)
        w = self.hparams.parent_weight
        loss = w * F.cross_entropy(parent_logits, coarse) + (1 - w) * F.cross_entropy(child_logits, fine)
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    tok = build_tokenizer([t for t, _ in REPORTS])
    print(f"vocab={tok.vocab_size} parents={len(PARENTS)} children={len(CHILDREN)}")
    loader = DataLoader(REPORTS, batch_size=4, shuffle=True, collate_fn=make_collate(tok))
    model = HierarchicalTagger(tok.vocab_size)
    trainer = L.Trainer(max_epochs=2, accelerator="cpu", logger=False,
                        enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False)
    trainer.fit(model, loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
