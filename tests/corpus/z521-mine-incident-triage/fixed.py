"""Severity triage for underground mine incident reports.

Each report was graded independently by five safety reviewers (0 = near miss,
1 = first aid, 2 = lost time). We keep reports with reasonable reviewer
agreement and fine-tune a small BERT classifier on the consensus grade.
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments, set_seed)

set_seed(11)

SEVERITY = ["near_miss", "first_aid", "lost_time"]
MIN_AGREEMENT = 0.6

REPORTS = [
    ("loose rock fell behind the roof bolter no one in the area", [0, 0, 0, 0, 1]),
    ("operator cut hand on cable tray needed a plaster", [1, 1, 1, 0, 1]),
    ("haul truck brake failure on ramp driver hurt back off shift", [2, 2, 2, 1, 2]),
    ("ventilation door left open gas reading briefly elevated", [0, 0, 1, 0, 0]),
    ("fitter slipped on wet grating bruised knee returned to work", [1, 1, 2, 1, 1]),
    ("scaling crew struck by falling slab fractured wrist", [2, 2, 2, 2, 2]),
    ("conveyor guard missing noticed during inspection", [0, 0, 0, 1, 2]),
    ("dust in eye while drilling rinsed at first aid station", [1, 1, 1, 1, 2]),
    ("loader reversed into light vehicle nobody injured", [0, 1, 0, 0, 0]),
    ("electrician shock from damaged lead hospital overnight", [2, 1, 2, 2, 2]),
    ("miner strained shoulder lifting pump two days off", [2, 2, 1, 2, 1]),
    ("self rescuer found expired during audit", [0, 0, 0, 0, 0]),
    ("graze on forearm from rock bolt plate", [1, 0, 1, 1, 1]),
    ("blast fumes entered refuge chamber crew evacuated", [0, 2, 1, 1, 0]),
]


def write_vocab(texts, folder):
    words = sorted({w for t in texts for w in t.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


def consensus(gradings, n_classes):
    votes = torch.tensor(gradings)                          # (n_reports, n_reviewers)
    counts = F.one_hot(votes, n_classes).sum(dim=1)         # (n_reports, n_classes)
    agreement = counts.max(dim=1).values.float() / votes.size(1)
    return counts.argmax(dim=1), agreement


class IncidentDataset(torch.utils.data.Dataset):
    def __init__(self, texts, grades, tokenizer):
        self.enc = tokenizer(texts, padding="max_length", truncation=True, max_length=24)
        self.grades = grades

    def __len__(self):
        return len(self.grades)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = self.grades[i]
        return item


def main():
    workdir = tempfile.mkdtemp()
    texts = [t for t, _ in REPORTS]
    tokenizer = BertTokenizer(write_vocab(texts, workdir))

    grade, agreement = consensus([g for _, g in REPORTS], len(SEVERITY))
    keep = (agreement >= MIN_AGREEMENT).nonzero().flatten().tolist()
    print(f"kept {len(keep)}/{len(REPORTS)} reports with agreement >= {MIN_AGREEMENT}")

    train_ds = IncidentDataset([texts[i] for i in keep], grade[keep], tokenizer)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(SEVERITY))
    model = BertForSequenceClassification(config)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=3,
        per_device_train_batch_size=4,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
        report_to=[],
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    print(f"final training loss {result.training_loss:.4f}")

    model.eval()
    probe = tokenizer(["roof fall near the bolter crew injured"], return_tensors="pt")
    with torch.no_grad():
        pred = model(**probe).logits.argmax(-1).item()
    print("probe report graded as", SEVERITY[pred])


if __name__ == "__main__":
    main()
