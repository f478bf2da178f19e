"""Rolling-stock fault triage from depot defect reports (Lightning).

Reports come from several maintenance depots; fault categories are imbalanced
across the fleet, so the loss uses inverse-frequency class weights computed
from the pooled depot counts.
"""
import os
import tempfile
from functools import reduce
from itertools import chain, groupby
from operator import itemgetter

import lightning as L
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(21, verbose=False)

FAULT_TYPES = ["signalling", "traction", "doors", "brakes", "hvac"]

# (depot, defect report, fault type id)
REPORTS = [
    ("Bescot", "tpws fault light on cab desk", 0),
    ("Bescot", "door interlock failed to prove", 2),
    ("Bescot", "aws horn sounding continuously", 0),
    ("Bescot", "passenger door stuck open coach b", 2),
    ("Bescot", "wheel slide protection fault", 3),
    ("Crewe", "traction motor overtemp alarm", 1),
    ("Crewe", "saloon too hot air con tripped", 4),
    ("Crewe", "brake pipe pressure low on test", 3),
    ("Crewe", "aws horn sounding continuously", 0),
    ("Crewe", "door interlock failed to prove", 2),
    ("Crewe", "loss of power notch four", 1),
    ("Ilford", "saloon too hot air con tripped", 4),
    ("Ilford", "brake pipe pressure low on test", 3),
    ("Ilford", "traction motor overtemp alarm", 1),
    ("Ilford", "tpws fault light on cab desk", 0),
]

DEPOT, TEXT, FAULT = itemgetter(0), itemgetter(1), itemgetter(2)


def write_vocab(texts):
    words = sorted(set(chain.from_iterable(map(str.split, texts))))
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def depot_fault_counts(rows):
    faults = sorted(map(FAULT, rows))
    counts = {fault: sum(1 for _ in grp) for fault, grp in groupby(faults)}
    return torch.tensor(list(counts.values()), dtype=torch.float)


class FaultClassifier(L.LightningModule):
    def __init__(self, cfg, reports, lr=5e-4):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, len(FAULT_TYPES))
        self.reports = reports
        self.lr = lr
        self.loss_fn = None

    def setup(self, stage):
        per_depot = [(depot, depot_fault_counts(list(rows)))
                     for depot, rows in groupby(sorted(self.reports, key=DEPOT), key=DEPOT)]
        for depot, counts in per_depot:
            print(f"  {depot}: {counts.tolist()}")
        fleet_counts = reduce(torch.add, map(itemgetter(1), per_depot))
        weights = fleet_counts.sum() / (len(FAULT_TYPES) * fleet_counts)
        self.loss_fn = nn.CrossEntropyLoss(weight=weights)

    def forward(self, ids, attn):
        return self.head(self.encoder(input_ids=ids, attention_mask=attn).pooler_output)

    def training_step(self, batch, batch_idx):
        logits = self(batch["ids"], batch["attn"])
        loss = self.loss_fn(logits, batch["target"])
        self.log("train_loss", loss, batch_size=logits.size(0))
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def make_collate(tokenizer):
    def collate(rows):
        enc = tokenizer(list(map(TEXT, rows)), padding=True, return_tensors="pt")
        return {"ids": enc["input_ids"], "attn": enc["attention_mask"],
                "target": torch.tensor(list(map(FAULT, rows)))}
    return collate


def main():
    tokenizer = BertTokenizer(write_vocab(map(TEXT, REPORTS)))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = FaultClassifier(cfg, REPORTS)
    loader = DataLoader(REPORTS, batch_size=5, shuffle=True, collate_fn=make_collate(tokenizer))

    print(f"{len(REPORTS)} reports from {len(set(map(DEPOT, REPORTS)))} depots")
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, train_dataloaders=loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
