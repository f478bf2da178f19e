"""Harbour-master log mining: tag vessel/cargo/place words and classify the incident, one shared BERT."""
import os
import tempfile

import lightning as L
import torch
import torch.nn as nn
from lightning.pytorch.utilities import CombinedLoader
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

DEFAULTS = {"max_len": 32, "batch_size": 2, "lr": 2e-4, "ignore_index": -100}

TASK_SPECS = {
    "entity_tags": {"labels": ["O", "VESSEL", "CARGO", "PLACE"], "level": "token",
                    "loss": nn.CrossEntropyLoss(ignore_index=DEFAULTS["ignore_index"])},
    "incident_type": {"labels": ["collision", "grounding", "spill", "fire"], "level": "sequence",
                      "loss": nn.CrossEntropyLoss()},
}

# word/TAG pairs, one log line each
TAGGED_LINES = [
    "tanker/VESSEL nordic/VESSEL star/VESSEL leaking/O crude/CARGO near/O pier/PLACE four/PLACE",
    "tug/VESSEL brave/VESSEL touched/O bottom/O at/O east/PLACE shoal/PLACE",
    "ferry/VESSEL lost/O power/O in/O outer/PLACE channel/PLACE",
    "barge/VESSEL carrying/O coal/CARGO drifted/O onto/O sandbar/PLACE",
    "trawler/VESSEL reported/O smoke/O from/O engine/O room/O off/O west/PLACE breakwater/PLACE with/O ice/CARGO aboard/O",
    "container/VESSEL ship/VESSEL struck/O quay/PLACE",
]
INCIDENT_LINES = [
    ("ferry struck quay while berthing", "collision"),
    ("barge drifted onto sandbar at low tide", "grounding"),
    ("tanker leaking crude near pier four", "spill"),
    ("smoke from engine room on trawler", "fire"),
    ("tug touched bottom at east shoal", "grounding"),
    ("container ship struck tug in channel", "collision"),
]


def make_tokenizer():
    words = {p.split("/")[0] for line in TAGGED_LINES for p in line.split()}
    words |= {w for text, _ in INCIDENT_LINES for w in text.split()}
    path = os.path.join(tempfile.mkdtemp(prefix="harbour_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return BertTokenizer(path)


def pad_tags(tag_ids, length, fill):
    # [CLS] and [SEP] get the ignore label too
    row = [fill] + tag_ids + [fill]
    return row + [fill] * (length - len(row))


class HarbourData(L.LightningDataModule):
    def __init__(self, tokenizer):
        super().__init__()
        self.tok = tokenizer

    def collate_tags(self, lines):
        spec = TASK_SPECS["entity_tags"]
        words, tags = [], []
        for line in lines:
            pairs = [p.split("/") for p in line.split()]
            words.append(" ".join(w for w, _ in pairs))
            tags.append([spec["labels"].index(t) for _, t in pairs])
        enc = self.tok(words, padding=True, truncation=True, max_length=DEFAULTS["max_len"], return_tensors="pt")
        target = torch.tensor([pad_tags(t, enc["input_ids"].shape[1], DEFAULTS["ignore_index"]) for t in tags])
        return {"task": "entity_tags", "enc": dict(enc), "target": target}

    def collate_incidents(self, rows):
        spec = TASK_SPECS["incident_type"]
        enc = self.tok([r[0] for r in rows], padding=True, truncation=True, max_length=DEFAULTS["max_len"],
                       return_tensors="pt")
        target = torch.tensor([spec["labels"].index(r[1]) for r in rows])
        return {"task": "incident_type", "enc": dict(enc), "target": target}

    def train_dataloader(self):
        bs = DEFAULTS["batch_size"]
        return CombinedLoader({
            "entity_tags": DataLoader(TAGGED_LINES, batch_size=bs, shuffle=True, collate_fn=self.collate_tags),
            "incident_type": DataLoader(INCIDENT_LINES, batch_size=bs, shuffle=True, collate_fn=self.collate_incidents),
        }, mode="max_size_cycle")


class HarbourMultiTask(L.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.heads = nn.ModuleDict({t: nn.Linear(cfg.hidden_size, len(s["labels"])) for t, s in TASK_SPECS.items()})

    def task_loss(self, batch):
        task = batch["task"]
        hidden = self.encoder(**batch["enc"]).last_hidden_state
        if TASK_SPECS[task]["level"] == "token":
            logits = self.heads[task](hidden)
            n_cls = logits.size(-1)
            return TASK_SPECS[task]["loss"](logits.reshape(-1, n_cls), batch["target"].reshape(-1))
        logits = self.heads[task](hidden[:, 0])
        return TASK_SPECS[task]["loss"](logits, batch["target"])

    def training_step(self, combined, batch_idx):
        losses = {name: self.task_loss(b) for name, b in combined.items()}
        if batch_idx == 0:
            print("first step:", {k: round(v.item(), 3) for k, v in losses.items()})
        return sum(losses.values())

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=DEFAULTS["lr"])


def main():
    L.seed_everything(5, verbose=False)
    tok = make_tokenizer()
    model = HarbourMultiTask(tok.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, datamodule=HarbourData(tok))
    print("finished, global step", trainer.global_step)


if __name__ == "__main__":
    main()
