"""Pharmacovigilance intake: route free-text adverse event reports to the organ-system
review queue. v2 of the model is trained with the HF Trainer and exported for the
triage service."""
import json
import os
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

torch.manual_seed(11)

V1_QUEUES = ["hepatic", "cardiac", "dermatologic", "neurologic"]
QUEUES = V1_QUEUES + ["renal", "hematologic"]

REPORTS = [
    ("elevated transaminases and jaundice after second dose", "hepatic"),
    ("liver enzymes tripled patient reports dark urine", "hepatic"),
    ("palpitations and qt prolongation on ecg", "cardiac"),
    ("chest pain with arrhythmia overnight", "cardiac"),
    ("widespread rash with blistering skin", "dermatologic"),
    ("itching hives on arms and face", "dermatologic"),
    ("seizure and confusion within hours", "neurologic"),
    ("numbness tingling and severe headache", "neurologic"),
    ("creatinine rising and reduced urine output", "renal"),
    ("acute kidney injury flank pain", "renal"),
    ("low platelets and easy bruising", "hematologic"),
    ("neutropenia with fever and bleeding gums", "hematologic"),
]


class ReportSet(Dataset):
    def __init__(self, rows, tokenizer, max_len=32):
        self.enc = tokenizer([r[0] for r in rows], padding="max_length", truncation=True,
                             max_length=max_len)
        self.targets = [QUEUES.index(r[1]) for r in rows]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.targets[i])
        return item


def dump_json(obj, path):
    with open(path, "w") as fh:
        json.dump(obj, fh, indent=2)


def train_v2(deploy_dir):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += sorted({w for text, _ in REPORTS for w in text.split()})
    with open(os.path.join(deploy_dir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tokenizer = BertTokenizer(os.path.join(deploy_dir, "vocab.txt"))

    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(QUEUES), id2label=dict(enumerate(QUEUES)),
                        label2id={q: i for i, q in enumerate(QUEUES)})
    model = BertForSequenceClassification(config)
    args = TrainingArguments(output_dir=os.path.join(deploy_dir, "runs"), num_train_epochs=14,
                             per_device_train_batch_size=4, learning_rate=5e-3, use_cpu=True,
                             report_to="none", save_strategy="no", logging_steps=10,
                             disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=ReportSet(REPORTS, tokenizer))
    trainer.train()

    torch.save(model.state_dict(), os.path.join(deploy_dir, "model_state.pt"))
    dump_json(config.to_dict(), os.path.join(deploy_dir, "config.json"))
    print(f"v2 exported to {deploy_dir} ({len(QUEUES)} queues)")


class Predictor:
    def __init__(self, model, tokenizer, id2label, max_len=32):
        self.model, self.tokenizer = model.eval(), tokenizer
        self.id2label = id2label
        self.max_len = max_len

    @classmethod
    def from_dir(cls, path):
        with open(os.path.join(path, "config.json")) as fh:
            config = BertConfig.from_dict(json.load(fh))
        model = BertForSequenceClassification(config)
        model.load_state_dict(torch.load(os.path.join(path, "model_state.pt")))
        with open(os.path.join(path, "labels.json")) as fh:
            id2label = json.load(fh)["queues"]
        return cls(model, BertTokenizer(os.path.join(path, "vocab.txt")), id2label)

    @torch.no_grad()
    def predict_batch(self, reports):
        batch = self.tokenizer([r["narrative"] for r in reports], padding=True, truncation=True,
                               max_length=self.max_len, return_tensors="pt")
        logits = self.model(**batch).logits
        conf, pred = logits.softmax(-1).max(-1)
        queues = np.asarray(self.id2label)[pred.numpy()]
        return [{"case_id": r["case_id"], "queue": str(q), "confidence": round(c, 3)}
                for r, q, c in zip(reports, queues, conf.tolist())]


if __name__ == "__main__":
    deploy_dir = tempfile.mkdtemp(prefix="ae-triage-")
    # deployment folder as provisioned for the v1 release
    dump_json({"version": 1, "queues": V1_QUEUES}, os.path.join(deploy_dir, "labels.json"))

    train_v2(deploy_dir)
    predictor = Predictor.from_dir(deploy_dir)
    inbox = [
        {"case_id": "AE-20931", "narrative": "jaundice and elevated liver enzymes"},
        {"case_id": "AE-20932", "narrative": "reduced urine output creatinine rising"},
        {"case_id": "AE-20933", "narrative": "bruising with low platelets"},
        {"case_id": "AE-20934", "narrative": "rash and hives on face"},
    ]
    for routed in predictor.predict_batch(inbox):
        print(routed)
