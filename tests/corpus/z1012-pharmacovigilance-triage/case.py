"""Seriousness triage for spontaneous adverse-event reports (pharmacovigilance desk).

Rows come from the safety database export; reporter qualification is stored there as
an integer code (E2B style).
"""
import enum
import os
import tempfile

import torch
from torch import nn
from transformers import (BertConfig, BertModel, BertTokenizer, Trainer,
                          TrainingArguments)

torch.manual_seed(7)


class ReporterKind(enum.Enum):
    PHYSICIAN = 1
    PHARMACIST = 2
    OTHER_HCP = 3
    CONSUMER = 4


class Seriousness(enum.Enum):
    NON_SERIOUS = "non-serious"
    SERIOUS = "serious"
    FATAL = "fatal"


SERIOUSNESS_IDS = {s: i for i, s in enumerate(Seriousness)}

EXPORT = [
    {"narrative": "patient developed mild rash after second dose", "reporter_code": 1, "outcome": "non-serious"},
    {"narrative": "hospitalised with severe hepatic injury", "reporter_code": 1, "outcome": "serious"},
    {"narrative": "dispensing error double dose no symptoms", "reporter_code": 2, "outcome": "non-serious"},
    {"narrative": "nurse reports anaphylaxis requiring adrenaline", "reporter_code": 3, "outcome": "serious"},
    {"narrative": "my mother died two days after starting the tablets", "reporter_code": 4, "outcome": "fatal"},
    {"narrative": "headache and nausea resolved without treatment", "reporter_code": 4, "outcome": "non-serious"},
    {"narrative": "cardiac arrest during infusion patient died", "reporter_code": 1, "outcome": "fatal"},
    {"narrative": "pharmacist notes interaction caused bleeding admission", "reporter_code": 2, "outcome": "serious"},
]

WORDS = sorted({w for row in EXPORT for w in row["narrative"].split()})


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(path)


class ReportDataset(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer, max_len=24):
        self.items = []
        for row in rows:
            match row:
                case {"narrative": str(text), "reporter_code": int(code), "outcome": str(outcome)}:
                    kind = ReporterKind(code)
                    label = Seriousness(outcome)
                case _:
                    print(f"skipping malformed row: {row}")
                    continue
            enc = tokenizer(text, padding="max_length", truncation=True, max_length=max_len)
            self.items.append({
                "input_ids": torch.tensor(enc["input_ids"]),
                "attention_mask": torch.tensor(enc["attention_mask"]),
                "reporter_kind": torch.tensor(kind.value),
                "labels": torch.tensor(SERIOUSNESS_IDS[label]),
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class TriageModel(nn.Module):
    def __init__(self, config, n_reporters, n_classes):
        super().__init__()
        self.bert = BertModel(config)
        self.reporter_emb = nn.Embedding(n_reporters, config.hidden_size)
        self.head = nn.Linear(config.hidden_size, n_classes)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, input_ids, attention_mask, reporter_kind, labels=None):
        pooled = self.bert(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        logits = self.head(pooled + self.reporter_emb(reporter_kind))
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = self.loss_fn(logits, labels)
        return out


def main():
    tok = build_tokenizer()
    train_ds = ReportDataset(EXPORT, tok)
    print(f"{len(train_ds)} reports loaded, vocab size {tok.vocab_size}")

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = TriageModel(cfg, n_reporters=len(ReporterKind), n_classes=len(Seriousness))

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(),
        per_device_train_batch_size=4,
        num_train_epochs=2,
        learning_rate=5e-4,
        save_strategy="no",
        logging_steps=1,
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    print(f"done, final loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
