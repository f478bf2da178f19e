"""Triage of maritime incident reports into severity bands (tiny BERT, HF Trainer)."""
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import Dataset
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

SEVERITY = ["routine", "minor", "serious", "critical"]
WORDS = ["vessel", "engine", "fire", "collision", "harbour", "crew", "injury", "leak",
         "hull", "anchor", "storm", "grounding", "pilot", "tug", "cargo", "spill",
         "radar", "fog", "mooring", "bridge", "delay", "alarm", "pump", "flooding"]

CFG = dict(max_len=48, hidden=32, epochs=1, batch_size=8, lr=5e-4, seed=13)


def write_vocab(folder):
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


def synth_reports(n, rng):
    reports = []
    for _ in range(n):
        label = rng.randrange(len(SEVERITY))
        k = rng.randint(5, 30)
        text = " ".join(rng.choice(WORDS) for _ in range(k))
        reports.append((text, label))
    return reports


class IncidentDataset(Dataset):
    def __init__(self, reports, tokenizer, max_len):
        texts = [t for t, _ in reports]
        self.enc = tokenizer(texts, padding="max_length", truncation=True,
                             max_length=max_len, return_tensors="pt")
        self.labels = torch.tensor([y for _, y in reports])

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"input_ids": self.enc["input_ids"][i],
                "attention_mask": self.enc["attention_mask"][i],
                "labels": self.labels[i]}


class SeverityClassifier(nn.Module):
    def __init__(self, hidden, n_classes, vocab_size):
        super().__init__()
        config = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=64,
                            max_position_embeddings=64)
        self.encoder = BertModel(config)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(hidden, n_classes)
        self.loss_fn = nn.CrossEntropyLoss()

    def masked_mean(self, hidden_states, attention_mask):
        mask = attention_mask.unsqueeze(-1).to(hidden_states.dtype)
        summed = (hidden_states * mask).sum(dim=-1)
        counts = mask.sum(dim=-1).clamp(min=1.0)
        return summed / counts

    def forward(self, input_ids, attention_mask, labels=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        pooled = self.masked_mean(out.last_hidden_state, attention_mask)
        logits = self.head(self.dropout(pooled))
        loss = self.loss_fn(logits, labels) if labels is not None else None
        return {"loss": loss, "logits": logits}


def main():
    rng = random.Random(CFG["seed"])
    torch.manual_seed(CFG["seed"])
    workdir = tempfile.mkdtemp(prefix="incidents_")
    tokenizer = BertTokenizer(write_vocab(workdir))

    train_ds = IncidentDataset(synth_reports(64, rng), tokenizer, CFG["max_len"])
    eval_ds = IncidentDataset(synth_reports(16, rng), tokenizer, CFG["max_len"])

    model = SeverityClassifier(CFG["hidden"], len(SEVERITY), tokenizer.vocab_size)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=CFG["batch_size"],
        per_device_eval_batch_size=CFG["batch_size"],
        num_train_epochs=CFG["epochs"],
        learning_rate=CFG["lr"],
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds)
    trainer.train()
    print(trainer.evaluate())


if __name__ == "__main__":
    main()
