"""Rank incoming wildfire dispatch reports by urgency (routine / elevated / critical).

Each report has several structured fields filled in by the lookout; we feed them to
a small BERT with one segment per field so the model knows which part it is reading.
Training loop runs through Accelerate so the same script works on the ops GPU box.
"""
import functools
import os
import tempfile

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

REPORT_FIELDS = ("sector", "observation", "resources")
URGENCY = ["routine", "elevated", "critical"]

REPORTS = [
    {"sector": "ridge north", "observation": "thin white smoke drifting east", "resources": "one engine", "urgency": "routine"},
    {"sector": "canyon west", "observation": "dark smoke column growing fast", "resources": "two engines air tanker", "urgency": "critical"},
    {"sector": "valley south", "observation": "small grass fire near road", "resources": "one engine", "urgency": "elevated"},
    {"sector": "ridge east", "observation": "lightning strike smoke visible", "resources": "crew on foot", "urgency": "elevated"},
    {"sector": "canyon north", "observation": "crown fire spotting ahead of front", "resources": "air tanker helicopter", "urgency": "critical"},
    {"sector": "valley west", "observation": "campfire left burning no spread", "resources": "ranger", "urgency": "routine"},
    {"sector": "ridge south", "observation": "fire front moving toward houses", "resources": "two engines helicopter", "urgency": "critical"},
    {"sector": "valley north", "observation": "smoke haze from distant fire", "resources": "none", "urgency": "routine"},
]


class LazyDataset(torch.utils.data.Dataset):
    def __init__(self, rows, fn=None):
        self.rows = rows
        self.fn = fn

    def with_transform(self, fn):
        return LazyDataset(self.rows, fn)

    @functools.cached_property
    def label_names(self):
        return list(URGENCY)

    @functools.cached_property
    def max_len(self):
        words = [sum(len(r[f].split()) for f in REPORT_FIELDS) for r in self.rows]
        return max(words) + len(REPORT_FIELDS) + 1

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        return self.fn(row) if self.fn is not None else row


def write_vocab(rows):
    words = sorted({w for r in rows for f in REPORT_FIELDS for w in r[f].split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode_report(row, tok, label_names):
    ids, segs = [tok.cls_token_id], [0]
    for seg_no, field in enumerate(REPORT_FIELDS):
        piece = tok.convert_tokens_to_ids(tok.tokenize(row[field])) + [tok.sep_token_id]
        ids += piece
        segs += [seg_no] * len(piece)
    return {"ids": ids, "segment": segs, "target": label_names.index(row["urgency"])}


def collate(items, pad_id):
    width = max(len(it["ids"]) for it in items)
    out = {"input_ids": [], "token_type_ids": [], "attention_mask": []}
    for it in items:
        gap = width - len(it["ids"])
        out["input_ids"].append(it["ids"] + [pad_id] * gap)
        out["token_type_ids"].append(it["segment"] + [0] * gap)
        out["attention_mask"].append([1] * len(it["ids"]) + [0] * gap)
    batch = {k: torch.tensor(v) for k, v in out.items()}
    batch["target"] = torch.tensor([it["target"] for it in items])
    return batch


class UrgencyHead(torch.nn.Module):
    def __init__(self, encoder, n_classes):
        super().__init__()
        self.encoder = encoder
        self.out = torch.nn.Linear(encoder.config.hidden_size, n_classes)

    def forward(self, input_ids, token_type_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, token_type_ids=token_type_ids,
                              attention_mask=attention_mask).last_hidden_state
        return self.out(hidden[:, 0])


def main():
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab(REPORTS))
    raw = LazyDataset(REPORTS)
    ds = raw.with_transform(functools.partial(encode_report, tok=tok, label_names=raw.label_names))
    accelerator.print(f"{len(ds)} reports, max_len={raw.max_len}, classes={raw.label_names}")

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=max(64, raw.max_len), type_vocab_size=len(REPORT_FIELDS))
    model = UrgencyHead(BertModel(cfg), len(raw.label_names))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(ds, batch_size=4, shuffle=True,
                        collate_fn=functools.partial(collate, pad_id=tok.pad_token_id))
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(3):
        running = 0.0
        for batch in loader:
            target = batch.pop("target")
            logits = model(**batch)
            loss = F.cross_entropy(logits, target)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch}: loss {running / len(loader):.4f}")

    accelerator.print("done")


if __name__ == "__main__":
    main()
