"""Cross-validated classifier for clinical-trial eligibility criteria.

Labels: 0 = demographic, 1 = lab threshold, 2 = prior therapy, 3 = comorbidity.
Criteria come from several protocols of the same sponsor, so many lines repeat.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset, Subset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(13)
np.random.seed(13)
torch.manual_seed(13)

PROTOCOLS = {
    "ONC-101": [
        ("age 18 years or older", 0), ("ecog performance status 0 or 1", 3),
        ("absolute neutrophil count at least 1500 per microliter", 1),
        ("platelets at least 100000 per microliter", 1), ("no prior anti pd1 therapy", 2),
        ("no active autoimmune disease", 3), ("creatinine clearance above 60 ml per minute", 1),
        ("women of childbearing potential must use contraception", 0),
        ("no more than two prior lines of chemotherapy", 2), ("no uncontrolled hypertension", 3),
        ("hemoglobin at least 9 grams per deciliter", 1), ("life expectancy at least 12 weeks", 0),
    ],
    "ONC-102": [
        ("age 18 years or older", 0), ("ecog performance status 0 or 1", 3),
        ("absolute neutrophil count at least 1500 per microliter", 1),
        ("no prior treatment with a parp inhibitor", 2), ("bilirubin below 1.5 times upper limit", 1),
        ("no history of interstitial lung disease", 3), ("prior platinum therapy allowed", 2),
        ("women of childbearing potential must use contraception", 0),
        ("alt and ast below 3 times upper limit", 1), ("no active hepatitis b infection", 3),
        ("male or female patients", 0), ("no radiotherapy within 4 weeks", 2),
    ],
    "ONC-103": [
        ("age 18 years or older", 0), ("platelets at least 100000 per microliter", 1),
        ("no prior anti pd1 therapy", 2), ("no active autoimmune disease", 3),
        ("no more than two prior lines of chemotherapy", 2), ("no symptomatic brain metastases", 3),
        ("inr below 1.5", 1), ("body weight above 40 kilograms", 0),
        ("no investigational drug within 30 days", 2), ("no congestive heart failure", 3),
        ("hemoglobin at least 9 grams per deciliter", 1), ("able to swallow tablets", 0),
        ("no prior stem cell transplant", 2), ("no known hiv infection", 3),
        ("potassium within normal limits", 1), ("signed informed consent", 0),
    ],
}
N_CLASSES = 4
N_FOLDS = 4


def load_criteria():
    rows = []
    for protocol, items in PROTOCOLS.items():
        for text, label in items:
            rows.append({"protocol": protocol, "text": text, "label": label})
    return rows


def kfold_indices(n_rows, k, seed):
    order = np.random.RandomState(seed).permutation(n_rows)
    chunks = np.array_split(order, k)
    folds = []
    for i in range(k):
        val = chunks[i]
        train = np.concatenate([c for j, c in enumerate(chunks) if j != i])
        folds.append((train.tolist(), val.tolist()))
    return folds


def deduplicate(rows):
    seen, kept = set(), []
    for row in rows:
        key = " ".join(row["text"].lower().split())
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept


class CriteriaDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len=24):
        enc = tokenizer([r["text"] for r in rows], padding="max_length", truncation=True,
                        max_length=max_len, return_tensors="pt")
        self.features = {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]}
        self.targets = torch.tensor([r["label"] for r in rows])

    def __len__(self):
        return self.targets.size(0)

    def __getitem__(self, i):
        item = {name: col[i] for name, col in self.features.items()}
        item["labels"] = self.targets[i]
        return item


def make_tokenizer(rows, folder):
    words = sorted({w for r in rows for w in r["text"].split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def accuracy(eval_pred):
    logits, gold = eval_pred
    return {"accuracy": float((logits.argmax(-1) == gold).mean())}


def main():
    workdir = tempfile.mkdtemp(prefix="eligibility_")
    raw_rows = load_criteria()
    folds = kfold_indices(len(raw_rows), N_FOLDS, seed=13)

    table = deduplicate(raw_rows)
    print(f"{len(raw_rows)} criteria lines, {len(table)} unique after de-duplication")
    tokenizer = make_tokenizer(table, workdir)
    full_ds = CriteriaDataset(table, tokenizer)

    scores = []
    for fold_no, (train_idx, val_idx) in enumerate(folds):
        config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=64,
                            max_position_embeddings=64, num_labels=N_CLASSES)
        model = BertForSequenceClassification(config)
        args = TrainingArguments(output_dir=os.path.join(workdir, f"fold{fold_no}"),
                                 num_train_epochs=2, per_device_train_batch_size=8,
                                 per_device_eval_batch_size=16, learning_rate=5e-4,
                                 save_strategy="no", logging_strategy="no", use_cpu=True,
                                 disable_tqdm=True, report_to=[], seed=13)
        trainer = Trainer(model=model, args=args, train_dataset=Subset(full_ds, train_idx),
                          eval_dataset=Subset(full_ds, val_idx), compute_metrics=accuracy)
        trainer.train()
        result = trainer.evaluate()
        print(f"fold {fold_no}: train={len(train_idx)} val={len(val_idx)} "
              f"acc={result['eval_accuracy']:.3f}")
        scores.append(result["eval_accuracy"])

    print(f"mean accuracy over {N_FOLDS} folds: {np.mean(scores):.3f}")


if __name__ == "__main__":
    main()
