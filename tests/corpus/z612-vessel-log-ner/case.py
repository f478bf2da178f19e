"""Tag vessel names, ports and cargo in harbour-master log lines with a small BERT tagger."""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

TAGS = ["O", "B-VESSEL", "I-VESSEL", "B-PORT", "B-CARGO"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}
MAX_TAG_LEN = 24  # longest log line we have seen, in word pieces

# (tokens, tags) -- hand-annotated by the night shift
LOG_LINES = [
    (["nordic", "star", "departed", "rotterdam", "with", "grain"],
     ["B-VESSEL", "I-VESSEL", "O", "B-PORT", "O", "B-CARGO"]),
    (["pilot", "boarded", "oceanic", "at", "hamburg"],
     ["O", "O", "B-VESSEL", "O", "B-PORT"]),
    (["tug", "assist", "for", "blue", "heron", "carrying", "timber"],
     ["O", "O", "O", "B-VESSEL", "I-VESSEL", "O", "B-CARGO"]),
    (["anchored", "off", "antwerp"], ["O", "O", "B-PORT"]),
    (["maria", "luisa", "loaded", "coal", "at", "gdansk"],
     ["B-VESSEL", "I-VESSEL", "O", "B-CARGO", "O", "B-PORT"]),
    (["customs", "cleared", "oceanic"], ["O", "O", "B-VESSEL"]),
]


def build_tokenizer():
    words = sorted({w for toks, _ in LOG_LINES for w in toks})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path), tmp


class HarbourLogDataset(Dataset):
    def __init__(self, rows, tokenizer):
        self.items = []
        for words, tags in rows:
            ids = [tokenizer.cls_token_id] + tokenizer.convert_tokens_to_ids(words) + [tokenizer.sep_token_id]
            tag_ids = [-100] + [TAG2ID[t] for t in tags] + [-100]
            self.items.append({"input_ids": ids, "labels": tag_ids})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


class LogLineCollator:
    """Turns a list of encoded log lines into dense tensors for the Trainer."""

    def __init__(self, pad_id, tag_width=MAX_TAG_LEN):
        self.pad_id = pad_id
        self.tag_width = tag_width

    def __call__(self, examples):
        longest = max(len(ex["input_ids"]) for ex in examples)
        ids = torch.full((len(examples), longest), self.pad_id, dtype=torch.long)
        attn = torch.zeros((len(examples), longest), dtype=torch.long)
        tag_buf = torch.full((len(examples), self.tag_width), -100, dtype=torch.long)
        for row, ex in enumerate(examples):
            n = len(ex["input_ids"])
            ids[row, :n] = torch.tensor(ex["input_ids"])
            attn[row, :n] = 1
            tag_buf[row, :n] = torch.tensor(ex["labels"])
        return {"input_ids": ids, "attention_mask": attn, "labels": tag_buf}


def main():
    tokenizer, workdir = build_tokenizer()
    print(f"vocab size: {tokenizer.vocab_size}")

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(TAGS))
    model = BertForTokenClassification(cfg)

    train_ds = HarbourLogDataset(LOG_LINES, tokenizer)
    print(f"training on {len(train_ds)} log lines")

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=3,
        num_train_epochs=1,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds,
                      data_collator=LogLineCollator(tokenizer.pad_token_id))
    result = trainer.train()
    print(f"done, final loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
