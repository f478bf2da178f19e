"""Fine-tune a tiny BERT to tag freight delay reports with their root-cause category.
Settings live in a nested tree; command-style overrides are applied on top for quick sweeps.
"""
import os
import random
import tempfile

import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)


class AttrDict(dict):
    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(key) from exc

    def __setattr__(self, key, value):
        self[key] = value


def to_attr(tree):
    if isinstance(tree, dict):
        return AttrDict({k: to_attr(v) for k, v in tree.items()})
    return tree


DEFAULTS = {
    "model": {"hidden": 32, "layers": 1, "heads": 2, "ffn": 64, "num_labels": 3},
    "data": {"max_len": 32},
    "train": {"epochs": 1, "batch": 4, "lr": 5e-4, "seed": 11},
}

OVERRIDES = ["model.hidden=48", "model.num_labels=5", "train.batch=4", "train.lr=3e-4"]


def cast(raw):
    for conv in (int, float):
        try:
            return conv(raw)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(raw.lower(), raw)


def parse_overrides(items):
    tree = {}
    for item in items:
        dotted, raw = item.split("=", 1)
        node = tree
        *parents, leaf = dotted.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = cast(raw)
    return tree


def deep_merge(base, extra):
    out = dict(base)
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


CAUSES = ["signal_fault", "crew_shortage", "weather", "track_work", "rolling_stock"]
REPORTS = [
    ("signal at junction stuck on red for forty minutes", "signal_fault"),
    ("interlocking failure held the train outside the yard", "signal_fault"),
    ("no driver available after the shift change", "crew_shortage"),
    ("guard called in sick and relief crew was late", "crew_shortage"),
    ("heavy snow blocked the points near the depot", "weather"),
    ("flooding on the line forced a speed restriction", "weather"),
    ("engineering possession overran on the main line", "track_work"),
    ("ballast renewal kept the slow line closed", "track_work"),
    ("wagon brake defect found during the examination", "rolling_stock"),
    ("locomotive lost traction power on the gradient", "rolling_stock"),
    ("hot axle box detector tripped on the third wagon", "rolling_stock"),
    ("track circuit failure near the level crossing", "signal_fault"),
]


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    folder = tempfile.mkdtemp(prefix="rail_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class DelayReports(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer, max_len):
        self.rows = rows
        self.tok = tokenizer
        self.max_len = max_len
        self.cause_to_id = {c: i for i, c in enumerate(CAUSES)}

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, cause = self.rows[idx]
        enc = self.tok(text, truncation=True, max_length=self.max_len)
        enc["labels"] = self.cause_to_id[cause]
        return dict(enc)


def main():
    cfg = to_attr(deep_merge(DEFAULTS, parse_overrides(OVERRIDES)))
    random.seed(cfg.train.seed)
    np.random.seed(cfg.train.seed)
    torch.manual_seed(cfg.train.seed)
    print("run settings:", cfg)

    tokenizer = build_tokenizer([t for t, _ in REPORTS])
    bert_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=cfg.model.hidden,
        num_hidden_layers=cfg.model.layers,
        num_attention_heads=cfg.model.heads,
        intermediate_size=cfg.model.ffn,
        max_position_embeddings=64,
        num_labels=cfg.model.num_labels,
    )
    model = BertForSequenceClassification(bert_cfg)
    print(f"model params: {sum(p.numel() for p in model.parameters()):,}")

    train_set = DelayReports(REPORTS, tokenizer, cfg.data.max_len)
    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="rail_runs_"),
        num_train_epochs=cfg.train.epochs,
        per_device_train_batch_size=cfg.train.batch,
        learning_rate=cfg.train.lr,
        logging_steps=1,
        save_strategy="no",
        use_cpu=True,
        seed=cfg.train.seed,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_set,
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    result = trainer.train()
    print("final training loss:", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
