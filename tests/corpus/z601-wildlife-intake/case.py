"""Triage classifier for a wildlife rehabilitation centre's intake sheets.

Every intake sheet has three free-text fields (species, presenting signs, finder's
notes). We pack them into one BERT input, one segment per field, and train a
3-way triage head (critical / stable / release-ready) with Accelerate.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(11)

FIELDS = ("species", "signs", "finder_notes")
TRIAGE = ["critical", "stable", "release-ready"]

SHEETS = [
    ({"species": "tawny owl", "signs": "wing droop bleeding", "finder_notes": "found by road at night"}, 0),
    ({"species": "hedgehog", "signs": "underweight alert", "finder_notes": "out in daylight garden"}, 1),
    ({"species": "swift", "signs": "grounded no injury", "finder_notes": "picked up from pavement"}, 2),
    ({"species": "red fox cub", "signs": "mange thin", "finder_notes": "seen alone for days"}, 1),
    ({"species": "buzzard", "signs": "leg fracture bleeding", "finder_notes": "hit by car"}, 0),
    ({"species": "hedgehog", "signs": "alert eating well", "finder_notes": "second week in care"}, 2),
    ({"species": "tawny owl", "signs": "concussion wobbly", "finder_notes": "window strike garden"}, 1),
    ({"species": "swift", "signs": "wing droop", "finder_notes": "found in chimney"}, 0),
]


def write_vocab():
    words = set()
    for sheet, _ in SHEETS:
        for field in FIELDS:
            words.update(sheet[field].split())
    tmp = tempfile.mkdtemp(prefix="intake_vocab_")
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)))
    return path


@dataclass
class PackedSheet:
    ids: list
    segs: list
    target: int


class IntakeSheets(Dataset):
    def __init__(self, sheets, tok):
        self.items = [self._pack(sheet, y, tok) for sheet, y in sheets]

    @staticmethod
    def _pack(sheet, y, tok):
        ids, segs = [tok.cls_token_id], [0]
        for seg_no, field in enumerate(FIELDS):
            pieces = tok(sheet[field], add_special_tokens=False)["input_ids"] + [tok.sep_token_id]
            ids.extend(pieces)
            segs.extend([seg_no] * len(pieces))
        return PackedSheet(ids, segs, y)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate_sheets(batch, pad_id):
    width = max(len(b.ids) for b in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    tt = torch.zeros((len(batch), width), dtype=torch.long)
    keep = torch.zeros((len(batch), width), dtype=torch.long)
    for row, b in enumerate(batch):
        n = len(b.ids)
        ids[row, :n] = torch.tensor(b.ids)
        tt[row, :n] = torch.tensor(b.segs)
        keep[row, :n] = 1
    return {"input_ids": ids, "token_type_ids": tt, "attention_mask": keep,
            "labels": torch.tensor([b.target for b in batch])}


def main():
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab())
    ds = IntakeSheets(SHEETS, tok)
    loader = DataLoader(ds, batch_size=4, shuffle=True,
                        collate_fn=lambda b: collate_sheets(b, tok.pad_token_id))

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     type_vocab_size=2, num_labels=len(TRIAGE))
    model = BertForSequenceClassification(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(2):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    accelerator.print("triage model trained")


if __name__ == "__main__":
    main()
