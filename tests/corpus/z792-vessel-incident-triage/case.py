"""Fine-tune a tiny BERT to triage vessel incident reports into the responsible ship department."""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainerCallback, TrainingArguments)

SETTINGS = {
    "model": {"hidden_size": 32, "layers": 1, "heads": 2, "ffn": 64, "max_positions": 64, "num_labels": 3},
    "data": {"max_len": 32, "departments": ["engine", "deck", "navigation", "cargo"]},
    "train": {"batch_size": 4, "epochs": 1, "lr": 5e-4, "seed": 11, "log_every": 1},
}

REPORTS = [
    ("main engine lube oil pressure dropped during passage", "engine"),
    ("auxiliary generator tripped after high exhaust temperature", "engine"),
    ("mooring line parted while berthing at the quay", "deck"),
    ("corrosion found on forward winch foundation", "deck"),
    ("gyro compass drifted two degrees during night watch", "navigation"),
    ("ecdis lost gps input near the traffic separation scheme", "navigation"),
    ("reefer container alarm on bay twelve during loading", "cargo"),
    ("lashing rods loose on deck stack after heavy weather", "cargo"),
]


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def build_tokenizer(texts):
    vocab_dir = tempfile.mkdtemp(prefix="vessel_vocab_")
    words = sorted({w for t in texts for w in t.split()})
    vocab_path = os.path.join(vocab_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(vocab_path)


def build_model(vocab_size):
    m = SETTINGS["model"]
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=m["hidden_size"], num_hidden_layers=m["layers"],
                     num_attention_heads=m["heads"], intermediate_size=m["ffn"],
                     max_position_embeddings=m["max_positions"], num_labels=m["num_labels"])
    return BertForSequenceClassification(cfg)


class IncidentDataset(Dataset):
    def __init__(self, rows, tokenizer, dept_to_id):
        self.rows = rows
        self.tok = tokenizer
        self.dept_to_id = dept_to_id

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, dept = self.rows[idx]
        enc = self.tok(text, truncation=True, max_length=SETTINGS["data"]["max_len"])
        enc["labels"] = self.dept_to_id[dept]
        return dict(enc)


class MetricLogger(TrainerCallback):
    def __init__(self):
        self.history = []

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not logs:
            return
        if "loss" not in logs:
            return
        self.history.append(logs["loss"])
        print(f"[step {state.global_step}] loss={logs['loss']:.4f} lr={logs.get('learning_rate', 0):.2e}")

    def on_train_end(self, args, state, control, **kwargs):
        if not self.history:
            return
        print(f"training finished, mean logged loss {sum(self.history) / len(self.history):.4f}")


def build_trainer(model, tokenizer, dataset, logger_cb):
    t = SETTINGS["train"]
    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="vessel_run_"),
        per_device_train_batch_size=t["batch_size"],
        num_train_epochs=t["epochs"],
        learning_rate=t["lr"],
        logging_steps=t["log_every"],
        save_strategy="no",
        use_cpu=True,
        seed=t["seed"],
        disable_tqdm=True,
        report_to=[],
    )
    return Trainer(model=model, args=args, train_dataset=dataset,
                   data_collator=DataCollatorWithPadding(tokenizer), callbacks=[logger_cb])


def main():
    seed_everything(SETTINGS["train"]["seed"])
    departments = SETTINGS["data"]["departments"]
    dept_to_id = {d: i for i, d in enumerate(departments)}
    print(f"departments: {dept_to_id}")

    tokenizer = build_tokenizer([t for t, _ in REPORTS])
    model = build_model(len(tokenizer))
    dataset = IncidentDataset(REPORTS, tokenizer, dept_to_id)
    print(f"{len(dataset)} incident reports, vocab={len(tokenizer)}")

    trainer = build_trainer(model, tokenizer, dataset, MetricLogger())
    result = trainer.train()
    print(f"train_loss={result.training_loss:.4f}")


if __name__ == "__main__":
    main()
