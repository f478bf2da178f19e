"""Multi-label tagging of aircraft maintenance log entries with ATA system tags.

Tiny BERT encoder + linear head, trained with Accelerate; evaluation reports
per-tag F1 on a separate batch of logbook entries.
"""
import functools
import os
import tempfile

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

set_seed(5)

TRAIN_LOG = [
    ("hydraulic pressure dropped on system b during taxi", ["hydraulics"]),
    ("left main gear tyre worn beyond limits , replaced", ["landing_gear"]),
    ("fuel quantity indicator fluctuating on centre tank", ["fuel", "avionics"]),
    ("cabin reading light row twelve inoperative", ["cabin"]),
    ("engine two oil pressure low warning after start", ["engine"]),
    ("nose gear steering shimmy with hydraulic leak at actuator", ["landing_gear", "hydraulics"]),
    ("autopilot disconnect during cruise , flight computer reset", ["avionics"]),
    ("galley oven breaker tripped , lavatory smoke detector tested", ["cabin"]),
    ("engine one fuel flow higher than expected in climb", ["engine", "fuel"]),
    ("brake temperature high on right main gear after landing", ["landing_gear"]),
]

EVAL_LOG = [
    ("hydraulic reservoir quantity low on system a", ["hydraulics"]),
    ("cabin lavatory light inoperative row twelve", ["cabin"]),
    ("engine one oil pressure warning during climb", ["engine"]),
    ("nose gear tyre worn , replaced after landing", ["landing_gear"]),
]


class LogbookSet(Dataset):
    def __init__(self, entries, transform=None):
        self.entries = entries
        self._transform = transform

    def with_transform(self, fn):
        return LogbookSet(self.entries, transform=fn)

    @functools.cached_property
    def tag_vocab(self):
        return sorted({t for _, tags in self.entries for t in tags})

    @functools.cached_property
    def tag_index(self):
        return {t: i for i, t in enumerate(self.tag_vocab)}

    def multi_hot(self, tags):
        vec = torch.zeros(len(self.tag_vocab))
        vec[[self.tag_index[t] for t in tags]] = 1.0
        return vec

    def __len__(self):
        return len(self.entries)

    def __getitem__(self, i):
        text, tags = self.entries[i]
        item = self._transform(text) if self._transform else {"text": text}
        item["tag_targets"] = self.multi_hot(tags)
        return item


def make_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def tokenize(text, tok, width=24):
    enc = tok(text, padding="max_length", truncation=True, max_length=width, return_tensors="pt")
    return {k: v.squeeze(0) for k, v in enc.items()}


class Tagger(torch.nn.Module):
    def __init__(self, vocab_size, n_tags):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.out = torch.nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, input_ids, attention_mask, token_type_ids=None, **_):
        pooled = self.bert(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        return self.out(pooled)


def main():
    accelerator = Accelerator(cpu=True)
    tok = make_tokenizer([t for t, _ in TRAIN_LOG + EVAL_LOG])
    encode = functools.partial(tokenize, tok=tok)

    train_ds = LogbookSet(TRAIN_LOG).with_transform(encode)
    eval_ds = LogbookSet(EVAL_LOG).with_transform(encode)
    accelerator.print(f"tags: {train_ds.tag_vocab}")

    model = Tagger(len(tok), n_tags=len(train_ds.tag_vocab))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    train_dl = DataLoader(train_ds, batch_size=4, shuffle=True)
    eval_dl = DataLoader(eval_ds, batch_size=4)
    model, opt, train_dl, eval_dl = accelerator.prepare(model, opt, train_dl, eval_dl)

    for epoch in range(3):
        model.train()
        for batch in train_dl:
            logits = model(**batch)
            loss = F.binary_cross_entropy_with_logits(logits, batch["tag_targets"])
            accelerator.backward(loss)
            opt.step()
            opt.zero_grad()
        accelerator.print(f"epoch {epoch}: bce {loss.item():.4f}")

    model.eval()
    tp = fp = fn = 0
    for batch in eval_dl:
        with torch.no_grad():
            logits = model(**batch)
        preds, gold = accelerator.gather_for_metrics((logits.sigmoid() > 0.5, batch["tag_targets"].bool()))
        tp = tp + (preds & gold).sum(0)
        fp = fp + (preds & ~gold).sum(0)
        fn = fn + (~preds & gold).sum(0)
    f1 = 2 * tp / (2 * tp + fp + fn).clamp(min=1)
    for tag, score in zip(train_ds.tag_vocab, f1.tolist()):
        accelerator.print(f"  {tag:14s} f1={score:.2f}")


if __name__ == "__main__":
    main()
