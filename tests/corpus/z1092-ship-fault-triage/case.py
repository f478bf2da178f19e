"""Fine-tune a tiny BERT to route engine-room log entries to a fault category.

Runs are tracked with our in-house Tracker so the sweep sheet can be rebuilt
from params alone.
"""
import os
import random
import tempfile

import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainerCallback, TrainingArguments)

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

# fault codes as they appear in the CMMS export
FAULT_CODES = {"propulsion": 0, "electrical": 1, "hull": 2, "navigation": 3, "auxiliary": 5}

LOG_ENTRIES = [
    ("main engine exhaust temperature high on cylinder three", "propulsion"),
    ("shaft bearing vibration above limit during sea trial", "propulsion"),
    ("generator two breaker tripped under load", "electrical"),
    ("switchboard earth fault alarm on lighting circuit", "electrical"),
    ("corrosion found on ballast tank plating", "hull"),
    ("hairline crack near bow thruster tunnel", "hull"),
    ("gyro compass drift after power restore", "navigation"),
    ("radar display freezes in heavy rain clutter", "navigation"),
    ("fresh water pump seal leaking in engine room", "auxiliary"),
    ("air conditioning compressor noisy in accommodation", "auxiliary"),
    ("fuel injector leaking on cylinder five", "propulsion"),
    ("ecdis lost gps input during watch", "navigation"),
]


class Tracker:
    """Minimal run tracker: params once, metrics as they come."""

    def __init__(self, run_name):
        self.run_name = run_name
        self.params = {}
        self.metrics = []

    def log_params(self, **kw):
        self.params.update(kw)
        print(f"[{self.run_name}] params: {kw}")

    def get(self, key, default=None):
        return self.params.get(key, default)

    def log_metrics(self, step, **kw):
        self.metrics.append({"step": step, **kw})


class TrackerCallback(TrainerCallback):
    def __init__(self, tracker):
        self.tracker = tracker

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs:
            self.tracker.log_metrics(state.global_step, **logs)


def write_vocab(texts, folder):
    words = sorted({w for t in texts for w in t.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path, len(vocab)


class FaultLogDataset(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer, max_len):
        texts = [r[0] for r in rows]
        self.enc = tokenizer(texts, padding="max_length", truncation=True, max_length=max_len)
        self.targets = [FAULT_CODES[r[1]] for r in rows]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.targets[i])
        return item


def main():
    tracker = Tracker("fault-triage-v3")
    workdir = tempfile.mkdtemp()
    vocab_path, vocab_size = write_vocab([t for t, _ in LOG_ENTRIES], workdir)

    tracker.log_params(vocab_size=vocab_size, hidden=32, layers=1, heads=2, ffn=64,
                       max_len=24, num_classes=len(FAULT_CODES), lr=5e-4, epochs=2, batch_size=4)

    tokenizer = BertTokenizer(vocab_path)
    config = BertConfig(vocab_size=tracker.params["vocab_size"], hidden_size=tracker.params["hidden"],
                        num_hidden_layers=tracker.params["layers"],
                        num_attention_heads=tracker.params["heads"],
                        intermediate_size=tracker.params["ffn"], max_position_embeddings=64,
                        num_labels=tracker.params["num_classes"])
    model = BertForSequenceClassification(config)

    train_ds = FaultLogDataset(LOG_ENTRIES, tokenizer, tracker.get("max_len"))
    print(f"train rows: {len(train_ds)}  classes: {tracker.get('num_classes')}")

    args = TrainingArguments(output_dir=os.path.join(workdir, "out"),
                             per_device_train_batch_size=tracker.get("batch_size"),
                             num_train_epochs=tracker.get("epochs"), learning_rate=tracker.get("lr"),
                             logging_steps=1, save_strategy="no", seed=SEED, use_cpu=True,
                             disable_tqdm=True, report_to=[])
    trainer = Trainer(model=model, args=args, train_dataset=train_ds,
                      callbacks=[TrackerCallback(tracker)])
    trainer.train()

    losses = [m["loss"] for m in tracker.metrics if "loss" in m]
    print(f"logged {len(losses)} loss points, last={losses[-1]:.4f}")


if __name__ == "__main__":
    main()
