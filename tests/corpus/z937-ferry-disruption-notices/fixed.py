"""Cause classifier for ferry service disruption notices, trained with Accelerate.

Notices come from the operator's passenger alerts feed; the ops team wants them bucketed
by cause so the weekly reliability report can be produced automatically.
"""
import os
import re
import tempfile
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(21)

CAUSES = ["weather", "technical", "crew", "tidal", "berth"]

NOTICES = [
    ("sailings cancelled due to gale force winds in the sound", "weather"),
    ("the 07:40 departure is delayed by a technical fault with the bow thruster", "technical"),
    ("reduced timetable today owing to crew availability", "crew"),
    ("low tide means the vessel cannot berth until 14:00 , expect delays", "tidal"),
    ("linkspan repairs at the pier , vehicles cannot board this afternoon", "berth"),
    ("swell forecast may disrupt crossings later today", "weather"),
    ("engine room alarm under investigation , next sailing delayed", "technical"),
    ("crew member unwell , the evening sailing is cancelled", "crew"),
    ("spring tides restrict sailings to high water only", "tidal"),
    ("berth occupied by a cargo vessel , arrival delayed 30 minutes", "berth"),
    ("fog", "weather"),
    ("steering gear fault , vessel returning to port for checks", "technical"),
]


class LoggingMixin:
    def __init__(self, *args, prefix="ferry", **kwargs):
        super().__init__(*args, **kwargs)
        self.prefix = prefix

    def report(self, msg):
        print(f"[{self.prefix}] {msg}")


class SizesMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

    def lengths(self):
        return [len(ids) for ids in self.token_ids]

    def longest(self):
        return max(self.lengths())

    def n_causes(self):
        return len(CAUSES)


class NoticeSet(LoggingMixin, SizesMixin, Dataset):
    def __init__(self, rows, tokenizer):
        super().__init__(prefix="notices")
        self.token_ids = [tokenizer.encode(text) for text, _ in rows]
        self.cause_ids = [CAUSES.index(c) for _, c in rows]
        self.report(f"{len(self)} notices, lengths {min(self.lengths())}..{self.longest()}")

    def __len__(self):
        return len(self.token_ids)

    def __getitem__(self, i):
        return self.token_ids[i], self.cause_ids[i]


@dataclass
class NoticeCollator:
    pad_id: int

    def __call__(self, items):
        seqs, causes = zip(*items)
        batch_len = max(len(s) for s in seqs)
        ids = torch.full((len(seqs), batch_len), self.pad_id, dtype=torch.long)
        keep = torch.zeros((len(seqs), batch_len), dtype=torch.long)
        for row, s in enumerate(seqs):
            ids[row, :len(s)] = torch.tensor(s)
            keep[row, :len(s)] = 1
        return {"input_ids": ids, "attention_mask": keep, "labels": torch.tensor(causes)}


def tokenizer_from_notices(rows):
    words = sorted({w for text, _ in rows for w in re.findall(r"\w+|[^\w\s]", text.lower())})
    folder = tempfile.mkdtemp(prefix="ferry_")
    vocab_file = os.path.join(folder, "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(vocab_file)


def train():
    accelerator = Accelerator(cpu=True)
    tok = tokenizer_from_notices(NOTICES)
    notices = NoticeSet(NOTICES, tok)

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=notices.n_causes())
    model = BertForSequenceClassification(cfg)

    collate = NoticeCollator(pad_id=tok.pad_token_id)
    loader = DataLoader(notices, batch_size=4, shuffle=True, collate_fn=collate)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model, optim, loader = accelerator.prepare(model, optim, loader)
    model.train()
    for epoch in range(3):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        notices.report(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    accelerator.wait_for_everyone()
    notices.report("training finished")


if __name__ == "__main__":
    train()
