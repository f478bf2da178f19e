"""Fine-tune a tiny BERT to sort ferry operator delay notes into cause buckets.

Pooling is learned attention over the encoder output instead of [CLS].
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments


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


def cast(raw):
    for kind in (int, float):
        try:
            return kind(raw)
        except ValueError:
            pass
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    return raw


def parse_overrides(items):
    out = {}
    for item in items:
        dotted, raw = item.split("=", 1)
        node = out
        *parents, leaf = dotted.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = cast(raw)
    return out


def merge(base, extra):
    for key, val in extra.items():
        if isinstance(val, dict) and isinstance(base.get(key), dict):
            merge(base[key], val)
        else:
            base[key] = val
    return base


DEFAULTS = {
    "model": {"hidden": 32, "layers": 1, "heads": 2, "ffn": 64, "dropout": 0.1},
    "data": {"max_len": 64, "lowercase": True},
    "train": {"lr": 3e-4, "epochs": 1, "batch": 8, "seed": 7},
}
OVERRIDES = ["model.hidden=48", "data.max_len=96", "train.lr=5e-4"]
cfg = to_attr(merge(to_attr(DEFAULTS), parse_overrides(OVERRIDES)))

CAUSES = ["weather", "mechanical", "crew", "berth"]
NOTES = [
    ("gale warning on the sound, sailing held at pier", "weather"),
    ("fog bank off the point, radar watch extended", "weather"),
    ("port engine coolant alarm, engineer inspecting", "mechanical"),
    ("ramp hydraulics slow to lower, vehicles waiting", "mechanical"),
    ("deckhand called in sick, relief crew en route", "crew"),
    ("master over duty hours, swap at terminal", "crew"),
    ("previous vessel still on the berth", "berth"),
    ("berth two closed for dredging, using slip one", "berth"),
] * 4


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.lower().replace(",", " ").split()})
    folder = tempfile.mkdtemp(prefix="ferry_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path, do_lower_case=cfg.data.lowercase)


class DelayNotes(torch.utils.data.Dataset):
    def __init__(self, rows, tok):
        enc = tok([r[0] for r in rows], padding="max_length", truncation=True,
                  max_length=cfg.data.max_len, return_tensors="pt")
        self.enc = enc
        self.targets = torch.tensor([CAUSES.index(r[1]) for r in rows])

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        return {"input_ids": self.enc["input_ids"][i],
                "attention_mask": self.enc["attention_mask"][i],
                "labels": self.targets[i]}


class AttnPoolClassifier(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.model.hidden,
                              num_hidden_layers=cfg.model.layers, num_attention_heads=cfg.model.heads,
                              intermediate_size=cfg.model.ffn, max_position_embeddings=128)
        self.bert = BertModel(bert_cfg)
        self.norm = nn.LayerNorm(cfg.model.hidden)
        self.scorer = nn.Linear(cfg.model.hidden, 1)
        self.drop = nn.Dropout(cfg.model.dropout)
        self.head = nn.Linear(cfg.model.hidden, len(CAUSES))

    def forward(self, input_ids, attention_mask, labels=None):
        seq_out = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        scores = self.scorer(seq_out).squeeze(-1)
        scores = scores.masked_fill(attention_mask == 0, -1e4)
        weights = scores.softmax(dim=-1)
        pooled = (weights.unsqueeze(-1) * self.norm(seq_out)).sum(dim=1)
        logits = self.head(self.drop(pooled))
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = nn.functional.cross_entropy(logits, labels)
        return out


def main():
    random.seed(cfg.train.seed)
    torch.manual_seed(cfg.train.seed)
    print("settings:", dict(cfg.model), dict(cfg.data))
    tok = build_tokenizer([n for n, _ in NOTES])
    train_set = DelayNotes(NOTES, tok)
    model = AttnPoolClassifier(tok.vocab_size)
    args = TrainingArguments(output_dir=tempfile.mkdtemp(prefix="ferry_run_"),
                             per_device_train_batch_size=cfg.train.batch,
                             num_train_epochs=cfg.train.epochs, learning_rate=cfg.train.lr,
                             logging_steps=2, save_strategy="no", report_to="none",
                             use_cpu=True, seed=cfg.train.seed)
    trainer = Trainer(model=model, args=args, train_dataset=train_set)
    result = trainer.train()
    print("done, final loss %.4f" % result.training_loss)


if __name__ == "__main__":
    main()
