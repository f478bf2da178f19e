"""Warehouse incident triage: predict severity (1-5) from short free-text incident reports.

Severe incidents are rare, so we train with a class-weighted cross-entropy via a
small Trainer subclass.
"""
import os
import random
import tempfile
from collections import Counter

import torch
from torch import nn
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

CFG = {
    "seed": 7,
    "n_reports": 80,
    "max_len": 32,
    "num_severities": 5,
    "epochs": 1,
    "batch_size": 16,
    "lr": 5e-4,
}

random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])

WORDS = ("forklift pallet spill rack aisle dock injury minor near miss collapse fire "
         "alarm leak battery conveyor jam shelf loose glass broken worker slipped "
         "ladder blocked exit smoke chemical cut bruise evacuated ambulance").split()

SEVERITY_HINTS = {
    1: ["near", "miss", "loose", "jam"],
    2: ["spill", "blocked", "shelf", "minor"],
    3: ["slipped", "bruise", "cut", "broken"],
    4: ["injury", "collapse", "chemical", "leak"],
    5: ["fire", "smoke", "evacuated", "ambulance"],
}


def fake_report(severity):
    body = random.choices(WORDS, k=random.randint(6, 14))
    body += random.sample(SEVERITY_HINTS[severity], 2)
    random.shuffle(body)
    return " ".join(body)


def make_reports(n):
    weights = [0.35, 0.3, 0.2, 0.1, 0.05]
    rows = []
    for _ in range(n):
        sev = random.choices([1, 2, 3, 4, 5], weights=weights)[0]
        rows.append({"text": fake_report(sev), "severity": sev})
    return rows


class IncidentReports(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        self.rows = rows
        self.tok = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        enc = self.tok(row["text"], truncation=True, max_length=self.max_len,
                       padding="max_length", return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(row["severity"] - 1, dtype=torch.long)
        return item


class WeightedLossTrainer(Trainer):
    def __init__(self, *args, class_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.class_weights = class_weights

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        loss_fct = nn.CrossEntropyLoss(weight=self.class_weights.to(outputs.logits.device))
        loss = loss_fct(outputs.logits.view(-1, model.config.num_labels), labels.view(-1))
        return (loss, outputs) if return_outputs else loss


tmp = tempfile.mkdtemp()
vocab_path = os.path.join(tmp, "vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))))
tokenizer = BertTokenizer(vocab_path)

reports = make_reports(CFG["n_reports"])
split = int(0.8 * len(reports))
train_rows, eval_rows = reports[:split], reports[split:]

counts = Counter(r["severity"] for r in train_rows)
freq = torch.tensor([counts.get(s, 1) for s in range(1, CFG["num_severities"] + 1)],
                    dtype=torch.float)
class_weights = freq.sum() / (len(freq) * freq)
print("class weights:", [round(w, 2) for w in class_weights.tolist()])

config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64,
                    max_position_embeddings=64, num_labels=CFG["num_severities"])
model = BertForSequenceClassification(config)

args = TrainingArguments(
    output_dir=os.path.join(tmp, "out"),
    num_train_epochs=CFG["epochs"],
    per_device_train_batch_size=CFG["batch_size"],
    per_device_eval_batch_size=CFG["batch_size"],
    learning_rate=CFG["lr"],
    logging_steps=5,
    save_strategy="no",
    report_to=[],
    disable_tqdm=True,
    use_cpu=True,
    seed=CFG["seed"],
)

trainer = WeightedLossTrainer(
    model=model,
    args=args,
    train_dataset=IncidentReports(train_rows, tokenizer, CFG["max_len"]),
    eval_dataset=IncidentReports(eval_rows, tokenizer, CFG["max_len"]),
    class_weights=class_weights,
)
trainer.train()
metrics = trainer.evaluate()
print("eval loss:", round(metrics["eval_loss"], 4))
