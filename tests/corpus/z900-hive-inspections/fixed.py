"""Classify apiary inspection notes into the status codes used on our paper inspection forms.

Pipeline pieces are plugins sharing one ctx namespace; the runner sets them up in
order and then hands ctx to the HF Trainer.
"""
import os
import random
import shutil
import tempfile
import types

import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

# Status codes as printed on the inspection form (box 7)
FORM_CODES = {1: "healthy colony", 2: "queenless", 3: "swarm preparation", 4: "varroa pressure"}

INSPECTION_NOTES = [
    ("brood pattern solid eggs seen queen spotted calm bees", 1),
    ("capped brood good stores plenty queen seen", 1),
    ("no eggs no young larvae emergency cells drawn", 2),
    ("no queen found bees roaring no fresh eggs", 2),
    ("queen cells along bottom bars frames packed with bees", 3),
    ("several charged queen cells crowded brood box", 3),
    ("mites on drone brood deformed wings seen", 4),
    ("high mite drop on board crawling bees deformed wings", 4),
]


def set_seed(seed=13):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class NotesDataset(torch.utils.data.Dataset):
    def __init__(self, encodings, targets):
        self.encodings = encodings
        self.targets = targets

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.encodings.items()}
        item["labels"] = self.targets[i]
        return item


class TokenizerPlugin:
    def setup(self, ctx):
        ctx.tmpdir = tempfile.mkdtemp(prefix="apiary_")
        vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        vocab += sorted({w for note, _ in INSPECTION_NOTES for w in note.split()})
        path = os.path.join(ctx.tmpdir, "vocab.txt")
        with open(path, "w") as f:
            f.write("\n".join(vocab))
        ctx.tokenizer = BertTokenizer(path)
        print(f"[tokenizer] {len(ctx.tokenizer)} entries")

    def teardown(self, ctx):
        shutil.rmtree(ctx.tmpdir, ignore_errors=True)


class DatasetPlugin:
    def setup(self, ctx):
        texts = [note for note, _ in INSPECTION_NOTES]
        codes = [code - 1 for _, code in INSPECTION_NOTES]  # form codes start at 1
        enc = ctx.tokenizer(texts, truncation=True, max_length=24)
        ctx.dataset = NotesDataset(enc, codes)
        ctx.class_names = list(FORM_CODES.values())
        print(f"[dataset] {len(ctx.dataset)} notes, classes={ctx.class_names}")

    def teardown(self, ctx):
        ctx.dataset = None


class ModelPlugin:
    def setup(self, ctx):
        config = BertConfig(
            vocab_size=len(ctx.tokenizer), hidden_size=32, num_hidden_layers=1,
            num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
            num_labels=len(ctx.class_names),
        )
        ctx.model = BertForSequenceClassification(config)
        print(f"[model] num_labels={config.num_labels}")

    def teardown(self, ctx):
        ctx.model = None


PLUGINS = [TokenizerPlugin(), DatasetPlugin(), ModelPlugin()]


def run(plugins):
    ctx = types.SimpleNamespace(tokenizer=None, dataset=None, model=None)
    for p in plugins:
        p.setup(ctx)
    try:
        args = TrainingArguments(
            output_dir=os.path.join(ctx.tmpdir, "out"), per_device_train_batch_size=4,
            num_train_epochs=1, learning_rate=5e-4, save_strategy="no", logging_steps=1,
            use_cpu=True, disable_tqdm=True, report_to=[],
        )
        trainer = Trainer(model=ctx.model, args=args, train_dataset=ctx.dataset,
                          data_collator=DataCollatorWithPadding(ctx.tokenizer))
        result = trainer.train()
        print(f"train loss {result.training_loss:.4f}")
    finally:
        for p in reversed(plugins):
            p.teardown(ctx)


if __name__ == "__main__":
    set_seed()
    run(PLUGINS)
    print("finished")
