"""Classify beekeepers' hive-inspection notes into colony status with Lightning.

The club's inspection app collects a short free-text note per hive visit. We want a
small BERT model that flags the colony state so the swarm-watch rota can be planned.
The head pools the encoder output two ways ([CLS] and masked mean) and concatenates them.
"""
import os
import tempfile
from functools import partial

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

STATUSES = ["queenright", "queenless", "swarm-prep", "weak"]

NOTES = [
    ("eggs and young larvae seen queen spotted calm bees", 0),
    ("no eggs no young brood bees roaring on frames", 1),
    ("several queen cells charged along bottom bars", 2),
    ("two frames of bees little stores no brood", 3),
    ("queen marked seen laying well good stores", 0),
    ("emergency cells no eggs testy bees", 1),
    ("queen cells with larvae crowded brood box", 2),
    ("small cluster chalkbrood few bees", 3),
]


def make_tokenizer():
    vocab = sorted({w for text, _ in NOTES for w in text.split()})
    folder = tempfile.mkdtemp(prefix="hive_vocab_")
    vf = os.path.join(folder, "vocab.txt")
    with open(vf, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab))
    return BertTokenizer(vf)


def collate(rows, tok):
    texts = [r[0] for r in rows]
    enc = tok(texts, padding=True, return_tensors="pt")
    return {"ids": enc["input_ids"], "attn": enc["attention_mask"],
            "y": torch.tensor([r[1] for r in rows])}


class HiveStatusModel(L.LightningModule):
    def __init__(self, cfg, n_status, lr=5e-4):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Sequential(
            nn.Linear(cfg.hidden_size, 16),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(16, n_status),
        )
        self.lr = lr

    def pool(self, hidden, attn):
        cls_vec = hidden[:, 0]
        w = attn.unsqueeze(-1).to(hidden.dtype)
        mean_vec = (hidden * w).sum(1) / w.sum(1).clamp(min=1.0)
        return torch.cat([cls_vec, mean_vec], dim=-1)

    def forward(self, ids, attn):
        hidden = self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state
        return self.head(self.pool(hidden, attn))

    def training_step(self, batch, batch_idx):
        logits = self(batch["ids"], batch["attn"])
        loss = F.cross_entropy(logits, batch["y"])
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    tok = make_tokenizer()
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    loader = DataLoader(NOTES, batch_size=4, shuffle=True, collate_fn=partial(collate, tok=tok))
    model = HiveStatusModel(cfg, n_status=len(STATUSES))
    print(f"encoder hidden size {cfg.hidden_size}, {len(NOTES)} notes")

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(model, loader)
    print("finished, last loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
