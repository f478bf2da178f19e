"""Urgency scoring for small-animal clinic intake forms.

Each intake form has three free-text boxes (owner complaint, history, vitals
note). They are packed into one BERT input with a segment id per box, and a
tiny classifier predicts the triage level. Trained with Accelerate so the same
loop runs on the clinic workstation and on the GPU box.
"""
import logging
import os
import random
import tempfile
from functools import partial

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="[%(name)s] %(message)s")
log = logging.getLogger("vet_triage")

FIELDS = ("complaint", "history", "vitals")
INTAKE = [
    {"complaint": "dog vomiting since morning", "history": "ate chicken bones yesterday",
     "vitals": "temp high gums pale", "level": "urgent"},
    {"complaint": "cat not eating", "history": "indoor cat no prior issues", "vitals": "temp normal",
     "level": "routine"},
    {"complaint": "rabbit limping", "history": "fell from sofa", "vitals": "alert eating normally",
     "level": "soon"},
    {"complaint": "dog collapsed on walk", "history": "older dog heart murmur", "vitals": "gums pale breathing fast",
     "level": "urgent"},
    {"complaint": "cat scratching ears", "history": "flea treatment overdue", "vitals": "temp normal",
     "level": "routine"},
    {"complaint": "dog bleeding paw", "history": "stepped on glass", "vitals": "alert bleeding slowed",
     "level": "soon"},
]


class TriageConfig:
    __slots__ = ("levels", "segments", "hidden", "max_len", "lr", "batch_size")

    def __init__(self, levels, segments=("text_a", "text_b"), hidden=32, max_len=40, lr=3e-4, batch_size=3):
        self.levels, self.segments = tuple(levels), tuple(segments)
        self.hidden, self.max_len, self.lr, self.batch_size = hidden, max_len, lr, batch_size

    @classmethod
    def from_dict(cls, d):
        return cls(**d)

    @classmethod
    def for_task(cls, task):
        if task == "intake_triage":
            return cls.from_dict({"levels": ("routine", "soon", "urgent"), "segments": FIELDS, "max_len": 48})
        raise KeyError(task)

    @property
    def num_labels(self):
        return len(self.levels)

    @property
    def type_vocab_size(self):
        return len(self.segments)


class TriageModel(BertForSequenceClassification):
    @classmethod
    def from_config(cls, cfg, tokenizer):
        bert_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=2 * cfg.hidden,
                              max_position_embeddings=cfg.max_len, type_vocab_size=cfg.type_vocab_size,
                              num_labels=cfg.num_labels)
        return cls(bert_cfg)


class FormPacker:
    __slots__ = ("tok", "cfg")

    def __init__(self, tok, cfg):
        self.tok, self.cfg = tok, cfg

    @staticmethod
    def pad_to(rows, width, value):
        return [r + [value] * (width - len(r)) for r in rows]

    def pack(self, form):
        ids, segs = [self.tok.cls_token_id], [0]
        for seg_no, field in enumerate(FIELDS):
            piece = self.tok.convert_tokens_to_ids(self.tok.tokenize(form[field])) + [self.tok.sep_token_id]
            ids += piece
            segs += [seg_no] * len(piece)
        return ids[: self.cfg.max_len], segs[: self.cfg.max_len]

    def __call__(self, forms):
        packed = [self.pack(f) for f in forms]
        width = max(len(ids) for ids, _ in packed)
        ids = self.pad_to([p[0] for p in packed], width, self.tok.pad_token_id)
        segs = self.pad_to([p[1] for p in packed], width, 0)
        keep = self.pad_to([[1] * len(p[0]) for p in packed], width, 0)
        level_ids = [self.cfg.levels.index(f["level"]) for f in forms]
        return {"input_ids": torch.tensor(ids), "token_type_ids": torch.tensor(segs),
                "attention_mask": torch.tensor(keep), "labels": torch.tensor(level_ids)}


def make_tokenizer():
    words = sorted({w for form in INTAKE for k in FIELDS for w in form[k].split()})
    vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(vocab_path)


def train(cfg, epochs=2):
    accelerator = Accelerator(cpu=True)
    tok = make_tokenizer()
    model = TriageModel.from_config(cfg, tok)
    loader = DataLoader(INTAKE, batch_size=cfg.batch_size, shuffle=True, collate_fn=FormPacker(tok, cfg))
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    model, optim, loader = accelerator.prepare(model, optim, loader)
    model.train()
    for epoch in range(epochs):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        log.info("epoch %d mean loss %.4f", epoch, running / (step + 1))
    return accelerator.unwrap_model(model)


if __name__ == "__main__":
    torch.manual_seed(11)
    random.seed(11)
    config = TriageConfig.for_task("intake_triage")
    log.info("levels=%s segments=%s", config.levels, config.segments)
    trained = train(config)
    print("done; classifier has", sum(p.numel() for p in trained.parameters()), "parameters")
