"""Route railway maintenance log entries to fault queues; only confident predictions raise an alert."""
import os
import tempfile
from abc import ABC, abstractmethod

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(5)

# per-class alert thresholds agreed with the ops desk
ALERT_THRESHOLDS = {
    "lamp_out": 0.40, "interlock": 0.55, "track_circuit": 0.45, "points_heater": 0.50,
    "rail_break": 0.30, "ballast": 0.45, "gauge": 0.40, "fishplate": 0.35, "vegetation": 0.60, "drainage": 0.50,
}


class MaintenanceLogs(Dataset, ABC):
    CLASSES = ()

    def __init__(self, rows):
        self.rows = [(text, self.CLASSES.index(tag)) for text, tag in rows]

    @abstractmethod
    def __len__(self): ...

    @abstractmethod
    def __getitem__(self, i): ...


class SignalFaultLogs(MaintenanceLogs):
    CLASSES = ("lamp_out", "interlock", "track_circuit", "points_heater")

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


class TrackFaultLogs(MaintenanceLogs):
    CLASSES = ("rail_break", "ballast", "gauge", "fishplate", "vegetation", "drainage")

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


TRACK_ROWS = [
    ("rail fractured at km 12 speed restriction", "rail_break"), ("ballast shoulder washed away", "ballast"),
    ("gauge wide on curve near depot", "gauge"), ("fishplate bolt sheared joint loose", "fishplate"),
    ("trees fouling the cess overhanging", "vegetation"), ("culvert blocked water ponding", "drainage"),
    ("crack found in rail head", "rail_break"), ("voids under sleepers pumping ballast", "ballast"),
    ("gauge spread after tamping", "gauge"), ("fishplate cracked at insulated joint", "fishplate"),
    ("brambles over walkway", "vegetation"), ("drain collapsed beside track", "drainage"),
]


class Collator:
    def __init__(self, tokenizer, max_length=16):
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __call__(self, batch):
        texts, targets = zip(*batch)
        enc = self.tokenizer(list(texts), padding=True, truncation=True, max_length=self.max_length,
                             return_tensors="pt")
        enc["labels"] = torch.tensor(targets)
        return enc


def evaluate(model, loader, accelerator, classes=SignalFaultLogs.CLASSES):
    thresholds = torch.tensor([ALERT_THRESHOLDS[c] for c in classes], device=accelerator.device)
    model.eval()
    alerts, hits = 0, 0
    with torch.no_grad():
        for batch in loader:
            probs = model(**batch).logits.softmax(-1)
            probs, gold = accelerator.gather_for_metrics((probs, batch["labels"]))
            conf, pred = probs.max(-1)
            fire = conf >= thresholds.gather(0, pred)
            alerts += int(fire.sum())
            hits += int((fire & (pred == gold)).sum())
    return alerts, hits


def main():
    accelerator = Accelerator(cpu=True)
    words = sorted({w for t, _ in TRACK_ROWS for w in t.split()})
    vocab_file = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    tokenizer = BertTokenizer(vocab_file)

    ds = TrackFaultLogs(TRACK_ROWS)
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32, num_labels=len(ds.CLASSES))
    model = BertForSequenceClassification(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)
    train_loader = DataLoader(ds, batch_size=4, shuffle=True, collate_fn=Collator(tokenizer))
    eval_loader = DataLoader(ds, batch_size=6, collate_fn=Collator(tokenizer))
    model, optimizer, train_loader, eval_loader = accelerator.prepare(model, optimizer, train_loader, eval_loader)

    for epoch in range(8):
        model.train()
        for batch in train_loader:
            loss = model(**batch).loss
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
        accelerator.print(f"epoch {epoch} loss {loss.item():.3f}")

    alerts, hits = evaluate(model, eval_loader, accelerator, classes=ds.CLASSES)
    accelerator.print(f"alerts raised: {alerts}/{len(ds)}, correct queue: {hits}")


if __name__ == "__main__":
    main()
