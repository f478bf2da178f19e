"""Fine-tune a small BERT to predict CTCAE severity grade from free-text
adverse event narratives (spontaneous reports)."""
import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "ae_vocab.txt")

CTCAE_GRADES = {
    1: "mild",
    2: "moderate",
    3: "severe",
    4: "life-threatening",
    5: "death",
}

TRAIN_CFG = {
    "max_len": 48,
    "batch_size": 8,
    "lr": 3e-4,
    "epochs": 2,
    "num_labels": len(CTCAE_GRADES),
}

DRUGS = ["warfarin", "metformin", "amiodarone", "vancomycin", "cisplatin", "lisinopril", "clozapine"]
EVENTS = {
    1: ["mild nausea", "transient headache", "dry mouth", "mild rash"],
    2: ["vomiting", "dizziness requiring rest", "moderate rash", "diarrhea"],
    3: ["hospitalization for bleeding", "severe hypotension", "acute kidney injury"],
    4: ["anaphylaxis", "ventricular arrhythmia", "agranulocytosis", "respiratory failure"],
    5: ["fatal hemorrhage", "died of cardiac arrest", "fatal hepatic failure"],
}
TEMPLATES = [
    "patient on {drug} reported {event} after dose increase",
    "{event} observed two days after starting {drug}",
    "elderly patient receiving {drug} developed {event}",
    "{drug} was discontinued following {event}",
]


def write_vocab(path):
    words = set()
    for t in TEMPLATES:
        words.update(t.replace("{drug}", "").replace("{event}", "").split())
    for evs in EVENTS.values():
        for e in evs:
            words.update(e.split())
    words.update(DRUGS)
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(special + sorted(words)) + "\n")


def make_reports(n):
    reports = []
    for _ in range(n):
        grade = random.choice(list(CTCAE_GRADES))
        text = random.choice(TEMPLATES).format(drug=random.choice(DRUGS), event=random.choice(EVENTS[grade]))
        reports.append({"narrative": text, "ctcae_grade": grade, "serious": grade >= 3})
    return reports


class AdverseEventDataset(Dataset):
    def __init__(self, reports, tokenizer, max_len):
        self.reports = reports
        self.enc = tokenizer(
            [r["narrative"] for r in reports],
            padding="max_length",
            truncation=True,
            max_length=max_len,
            return_tensors="pt",
        )
        self.labels = torch.tensor([r["ctcae_grade"] - 1 for r in reports], dtype=torch.long)

    def __len__(self):
        return len(self.reports)

    def __getitem__(self, idx):
        item = {k: v[idx] for k, v in self.enc.items()}
        item["labels"] = self.labels[idx]
        return item


def build_model(vocab_size, num_labels, max_len):
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=max(64, max_len),
        num_labels=num_labels,
    )
    return BertForSequenceClassification(cfg)


def train_one_epoch(model, loader, optim):
    model.train()
    total = 0.0
    for batch in loader:
        optim.zero_grad()
        out = model(**batch)
        out.loss.backward()
        optim.step()
        total += out.loss.item()
    return total / max(1, len(loader))


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    reports = make_reports(96)
    split = int(0.8 * len(reports))
    train_ds = AdverseEventDataset(reports[:split], tokenizer, TRAIN_CFG["max_len"])
    val_ds = AdverseEventDataset(reports[split:], tokenizer, TRAIN_CFG["max_len"])

    train_dl = DataLoader(train_ds, batch_size=TRAIN_CFG["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=TRAIN_CFG["batch_size"])

    model = build_model(tokenizer.vocab_size, TRAIN_CFG["num_labels"], TRAIN_CFG["max_len"])
    optim = torch.optim.AdamW(model.parameters(), lr=TRAIN_CFG["lr"])

    for epoch in range(TRAIN_CFG["epochs"]):
        loss = train_one_epoch(model, train_dl, optim)
        model.eval()
        correct = n = 0
        with torch.no_grad():
            for batch in val_dl:
                logits = model(**batch).logits
                correct += (logits.argmax(-1) == batch["labels"]).sum().item()
                n += batch["labels"].numel()
        print(f"epoch {epoch}: train loss {loss:.4f}  val acc {correct / n:.3f}")


if __name__ == "__main__":
    main()
