"""Route aircraft maintenance log entries to the right workshop.

A tiny BERT is trained from scratch with the HF Trainer on synthetic
technician notes. Part numbers and tail numbers are masked with special
placeholder tokens before tokenization.
"""
import argparse
import os
import random
import re
import tempfile

import torch
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

WORKSHOPS = ["avionics", "hydraulics", "powerplant", "cabin", "landing_gear"]
BASE_WORDS = (
    "the a on at left right no1 no2 engine pump leak found replaced inspected "
    "screen display flicker seat tray table brake tire wear pressure low high "
    "fuel oil hydraulic valve actuator gear door stuck noise during taxi climb "
    "cruise reported by crew ops check ok fault code light"
).split()
PLACEHOLDERS = ["[PART]", "[TAIL]", "[CODE]"]

TEMPLATES = {
    "avionics": "crew reported screen display flicker on [TAIL] fault code [CODE]",
    "hydraulics": "hydraulic pump leak found pressure low replaced [PART]",
    "powerplant": "engine oil pressure high during climb no1 engine [PART] inspected",
    "cabin": "seat tray table stuck left door noise during cruise [TAIL]",
    "landing_gear": "brake tire wear found gear actuator replaced [PART] on [TAIL]",
}


def write_vocab(folder):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def make_logs(n, seed):
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        label = rng.randrange(len(WORKSHOPS))
        text = TEMPLATES[WORKSHOPS[label]]
        text = text.replace("[PART]", f"PN-{rng.randint(1000, 9999)}")
        text = text.replace("[TAIL]", f"N{rng.randint(100, 999)}XA")
        text = text.replace("[CODE]", f"E{rng.randint(10, 99)}")
        rows.append((text, label))
    return rows


def anonymize(text):
    text = re.sub(r"PN-\d+", "[PART]", text)
    text = re.sub(r"N\d+XA", "[TAIL]", text)
    return re.sub(r"E\d\d", "[CODE]", text)


class LogDataset(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer, max_length):
        texts = [anonymize(t) for t, _ in rows]
        self.enc = tokenizer(texts, padding="max_length", truncation=True,
                             max_length=max_length, return_tensors="pt")
        self.labels = torch.tensor([y for _, y in rows])

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.labels[i]
        return item


def build_model(tokenizer, hidden):
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=hidden * 2,
        max_position_embeddings=64,
        num_labels=len(WORKSHOPS),
        pad_token_id=tokenizer.pad_token_id,
    )
    return BertForSequenceClassification(config)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=24)
    parser.add_argument("--epochs", type=float, default=1.0)
    args = parser.parse_args()

    torch.manual_seed(0)
    workdir = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(workdir), do_lower_case=True)
    model = build_model(tokenizer, args.hidden)

    tokenizer.add_special_tokens({"additional_special_tokens": PLACEHOLDERS})
    train_ds = LogDataset(make_logs(48, seed=1), tokenizer, args.max_length)
    eval_ds = LogDataset(make_logs(16, seed=2), tokenizer, args.max_length)

    training_args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=args.epochs,
        per_device_train_batch_size=16,
        per_device_eval_batch_size=16,
        learning_rate=5e-4,
        logging_steps=5,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=training_args,
                      train_dataset=train_ds, eval_dataset=eval_ds)
    trainer.train()
    print(trainer.evaluate())


if __name__ == "__main__":
    main()
