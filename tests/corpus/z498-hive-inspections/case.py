"""Classify apiary inspection notes by matching them against short descriptions of each hive state.

The note encoder and the state-description encoder share one tiny BERT; class scores are
scaled dot products between the pooled note and the pooled descriptions.
"""
import os
import re
import tempfile
from functools import partial

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
import torch.nn.functional as F
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(21, workers=True)

HIVE_STATES = {
    "queenright": "laying queen present eggs and capped brood",
    "queenless": "no queen no eggs workers roaring",
    "swarming": "queen cells on frame bottoms swarm preparations",
    "varroa": "mites on drones deformed wings",
    "starving": "low stores no nectar no capped honey",
}
STATE_NAMES = list(HIVE_STATES)

TRAIN_NOTES = [
    ("eggs in every cell of the brood frames queen seen", "queenright"),
    ("capped brood pattern solid queen marked and laying", "queenright"),
    ("no eggs found and bees roaring on opening", "queenless"),
    ("queen not seen no young larvae at all", "queenless"),
    ("three sealed queen cells on frame bottoms", "swarming"),
    ("colony crowded and queen cells started", "swarming"),
    ("mites visible on drone brood several deformed wings", "varroa"),
    ("heavy mite drop on the board after treatment", "varroa"),
    ("stores very low no nectar coming in", "starving"),
    ("no capped honey left bees light on feeding", "starving"),
    ("eggs and larvae seen brood healthy", "queenright"),
    ("queen cells charged with larvae swarm likely", "swarming"),
]
VAL_NOTES = [
    ("marked queen seen laying well", "queenright"),
    ("no eggs and no queen workers restless", "queenless"),
    ("swarm cells on bottom bars", "swarming"),
    ("deformed wings on young bees mites counted", "varroa"),
    ("frames empty of stores no honey", "starving"),
    ("brood capped and eggs present", "queenright"),
    ("roaring colony no queen", "queenless"),
    ("sealed queen cells found", "swarming"),
    ("mite count high on drones", "varroa"),
    ("no nectar and light hive", "starving"),
]


def make_tokenizer(workdir):
    texts = [t for t, _ in TRAIN_NOTES + VAL_NOTES] + list(HIVE_STATES.values())
    words = sorted({w for t in texts for w in re.findall(r"[a-z]+", t.lower())})
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def collate_notes(rows, tokenizer):
    enc = tokenizer([r[0] for r in rows], padding=True, truncation=True, max_length=32, return_tensors="pt")
    enc["state"] = torch.tensor([STATE_NAMES.index(r[1]) for r in rows])
    return enc


class HiveStateMatcher(L.LightningModule):
    def __init__(self, tokenizer, tau=0.1, lr=1e-3):
        super().__init__()
        cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.tau, self.lr = tau, lr
        desc = tokenizer(list(HIVE_STATES.values()), padding=True, return_tensors="pt")
        self.register_buffer("desc_ids", desc["input_ids"], persistent=False)
        self.register_buffer("desc_attn", desc["attention_mask"], persistent=False)

    def embed(self, ids, attn):
        hidden = self.bert(input_ids=ids, attention_mask=attn).last_hidden_state
        weights = attn.unsqueeze(-1).float()
        return F.normalize((hidden * weights).sum(1) / weights.sum(1), dim=-1)

    def training_step(self, batch, batch_idx):
        pooled = self.embed(batch["input_ids"], batch["attention_mask"])
        state_vecs = self.embed(self.desc_ids, self.desc_attn)
        logits = F.linear(pooled, state_vecs) / self.tau
        loss = F.cross_entropy(logits, batch["state"])
        self.log("train_loss", loss, batch_size=len(batch["state"]))
        return loss

    def on_validation_epoch_start(self):
        # descriptions don't change during validation, encode them once
        self.label_bank = self.embed(self.desc_ids, self.desc_attn)
        self.val_hits, self.val_seen = 0, 0

    def validation_step(self, batch, batch_idx):
        pooled = self.embed(batch["input_ids"], batch["attention_mask"])
        logits = torch.mm(pooled, self.label_bank) / self.tau
        self.val_hits += (logits.argmax(-1) == batch["state"]).sum().item()
        self.val_seen += len(batch["state"])

    def on_validation_epoch_end(self):
        acc = self.val_hits / max(self.val_seen, 1)
        print(f"val accuracy: {acc:.3f} ({self.val_seen} notes)")
        self.log("val_acc", acc)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    tokenizer = make_tokenizer(tempfile.mkdtemp(prefix="apiary-"))
    collate = partial(collate_notes, tokenizer=tokenizer)
    train_dl = DataLoader(TRAIN_NOTES, batch_size=4, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(VAL_NOTES, batch_size=8, collate_fn=collate)

    model = HiveStateMatcher(tokenizer)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, train_dataloaders=train_dl, val_dataloaders=val_dl)


if __name__ == "__main__":
    main()
