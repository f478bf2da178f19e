"""Multi-label tagging of hull inspection notes (v2 taxonomy).

Fine-tunes a small BERT with the HF Trainer and scores it with the per-class
decision thresholds tuned during the previous sprint's run.
"""
import json
import os
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainerCallback, TrainingArguments)

torch.manual_seed(11)
LABELS = ["corrosion", "fouling", "cracking", "coating_damage"]

NOTES = [
    ("heavy rust streaks below the waterline near frame twelve", [1, 0, 0, 1]),
    ("barnacle growth on the rudder and propeller boss", [0, 1, 0, 0]),
    ("hairline crack at the bilge keel weld", [0, 0, 1, 0]),
    ("paint blistering and rust spots on the port side", [1, 0, 0, 1]),
    ("weed and slime on the flat bottom plating", [0, 1, 0, 0]),
    ("crack propagating from the scallop near the bulkhead", [0, 0, 1, 0]),
    ("coating peeled off around the sea chest grating", [0, 0, 0, 1]),
    ("no defects found on the starboard bow", [0, 0, 0, 0]),
]


class Tracker:
    """Tiny file-based experiment tracker used by the team."""

    def __init__(self, root, run_name):
        self.root = root
        self.run_dir = os.path.join(root, run_name)
        os.makedirs(self.run_dir, exist_ok=True)
        self.params, self.history = {}, []

    def log_params(self, **kw):
        self.params.update(kw)

    def log_metrics(self, step, **kw):
        self.history.append({"step": step, **kw})
        print(f"[tracker] step={step} " + " ".join(f"{k}={v:.4f}" for k, v in kw.items()))

    def load_artifact(self, run_name, name):
        with open(os.path.join(self.root, run_name, name)) as fh:
            return json.load(fh)


class TrackerCallback(TrainerCallback):
    def __init__(self, tracker):
        self.tracker = tracker

    def on_log(self, args, state, control, logs=None, **kwargs):
        numeric = {k: float(v) for k, v in (logs or {}).items() if isinstance(v, (int, float))}
        if numeric:
            self.tracker.log_metrics(state.global_step, **numeric)


class NoteDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        texts = [t for t, _ in rows]
        self.enc = tokenizer(texts, padding="max_length", truncation=True, max_length=max_len)
        self.targets = [torch.tensor(y, dtype=torch.float) for _, y in rows]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = self.targets[i]
        return item


def build_tokenizer(workdir):
    words = sorted({w for text, _ in NOTES for w in text.split()})
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def make_metrics(thresholds):
    def compute_metrics(eval_pred):
        probs = torch.sigmoid(torch.from_numpy(eval_pred.predictions))
        gold = torch.from_numpy(eval_pred.label_ids).bool()
        preds = probs >= thresholds
        tp = (preds & gold).sum().item()
        prec = tp / max(preds.sum().item(), 1)
        rec = tp / max(gold.sum().item(), 1)
        return {"micro_f1": 2 * prec * rec / max(prec + rec, 1e-8)}
    return compute_metrics


def main():
    workdir = tempfile.mkdtemp()
    store = os.path.join(workdir, "runs")
    # last sprint's run, normally synced from the shared drive
    os.makedirs(os.path.join(store, "hull-v1"), exist_ok=True)
    with open(os.path.join(store, "hull-v1", "thresholds.json"), "w") as fh:
        json.dump({"labels": ["corrosion", "pitting", "fouling", "cracking", "coating_damage"],
                   "thresholds": [0.42, 0.35, 0.55, 0.30, 0.47]}, fh)

    tracker = Tracker(store, "hull-v2")
    tracker.log_params(lr=5e-4, epochs=2, batch_size=4, max_len=16, hidden=32, baseline_run="hull-v1")

    tokenizer = build_tokenizer(workdir)
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=tracker.params["hidden"],
                     num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=32, num_labels=len(LABELS),
                     problem_type="multi_label_classification")
    model = BertForSequenceClassification(cfg)

    tuned = tracker.load_artifact(tracker.params["baseline_run"], "thresholds.json")
    by_name = dict(zip(tuned["labels"], tuned["thresholds"]))
    thresholds = torch.tensor([by_name[name] for name in LABELS])
    print(f"loaded {len(thresholds)} thresholds from {tracker.params['baseline_run']}")

    train_ds = NoteDataset(NOTES, tokenizer, tracker.params["max_len"])
    args = TrainingArguments(output_dir=os.path.join(workdir, "out"),
                             per_device_train_batch_size=tracker.params["batch_size"],
                             per_device_eval_batch_size=tracker.params["batch_size"],
                             num_train_epochs=tracker.params["epochs"],
                             learning_rate=tracker.params["lr"], eval_strategy="epoch",
                             logging_steps=1, save_strategy="no", use_cpu=True,
                             disable_tqdm=True, report_to=[])
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=train_ds,
                      compute_metrics=make_metrics(thresholds), callbacks=[TrackerCallback(tracker)])
    trainer.train()
    print("final:", trainer.evaluate())


if __name__ == "__main__":
    main()
