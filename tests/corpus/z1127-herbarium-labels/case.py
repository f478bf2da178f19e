"""Field tagging for transcribed herbarium sheet labels.

Each word of a label is tagged as taxon / collector / locality / date / other.
Sheets from the same herbarium share layout conventions, so batches are kept
within one herbarium.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import BatchSampler, DataLoader, Dataset, Sampler
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(21)
torch.manual_seed(21)

TAGS = ["O", "TAXON", "COLL", "LOC", "DATE"]

# (herbarium, [(word, tag), ...])
SHEETS = [
    ("E", [("carex", "TAXON"), ("bigelowii", "TAXON"), ("ben", "LOC"), ("lawers", "LOC"),
           ("leg", "O"), ("mcnab", "COLL"), ("june", "DATE"), ("1889", "DATE")]),
    ("E", [("saxifraga", "TAXON"), ("oppositifolia", "TAXON"), ("cliffs", "LOC"), ("above", "LOC"),
           ("loch", "LOC"), ("leg", "O"), ("druce", "COLL")]),
    ("E", [("salix", "TAXON"), ("herbacea", "TAXON"), ("summit", "LOC"), ("1902", "DATE")]),
    ("K", [("orchis", "TAXON"), ("mascula", "TAXON"), ("chalk", "LOC"), ("downs", "LOC"), ("near", "LOC"),
           ("lewes", "LOC"), ("coll", "O"), ("hooker", "COLL"), ("may", "DATE"), ("1871", "DATE")]),
    ("K", [("drosera", "TAXON"), ("anglica", "TAXON"), ("bog", "LOC"), ("coll", "O"), ("watson", "COLL")]),
    ("BM", [("primula", "TAXON"), ("farinosa", "TAXON"), ("limestone", "LOC"), ("pasture", "LOC"),
            ("ingleborough", "LOC"), ("april", "DATE"), ("1913", "DATE"), ("det", "O"), ("wilmott", "COLL")]),
    ("BM", [("dryas", "TAXON"), ("octopetala", "TAXON"), ("burren", "LOC"), ("det", "O"), ("praeger", "COLL")]),
    ("BM", [("gentiana", "TAXON"), ("verna", "TAXON"), ("teesdale", "LOC"), ("1930", "DATE")]),
]


def vocab_from_sheets(sheets):
    words = sorted({w for _, toks in sheets for w, _ in toks})
    d = tempfile.mkdtemp(prefix="herb_")
    p = os.path.join(d, "vocab.txt")
    with open(p, "w") as fh:
        for w in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            fh.write(w + "\n")
    return p


class SheetDataset(Dataset):
    def __init__(self, sheets, tokenizer):
        self.sheets = sheets
        self.tokenizer = tokenizer

    def __len__(self):
        return len(self.sheets)

    def __getitem__(self, i):
        _, pairs = self.sheets[i]
        words = [w for w, _ in pairs]
        ids = self.tokenizer.convert_tokens_to_ids(["[CLS]"] + words + ["[SEP]"])
        tags = [-100] + [TAGS.index(t) for _, t in pairs] + [-100]
        return ids, tags


class HerbariumGroupedSampler(Sampler):
    """Index order that keeps each herbarium's sheets contiguous."""

    def __init__(self, sources):
        self.sources = sources

    def __iter__(self):
        groups = {}
        for idx, src in enumerate(self.sources):
            groups.setdefault(src, []).append(idx)
        keys = list(groups)
        random.shuffle(keys)
        for k in keys:
            yield from random.sample(groups[k], len(groups[k]))

    def __len__(self):
        return len(self.sources)


class PadToLongest:
    def __init__(self, pad_value=-100):
        self.pad_value = pad_value

    def _pad(self, seqs):
        n = max(len(s) for s in seqs)
        return torch.tensor([s + [self.pad_value] * (n - len(s)) for s in seqs])

    def __call__(self, examples):
        id_rows, tag_rows = zip(*examples)
        ids = self._pad(list(id_rows))
        return {
            "input_ids": ids,
            "attention_mask": (ids != self.pad_value).long(),
            "labels": self._pad(list(tag_rows)),
        }


def main():
    tok = BertTokenizer(vocab_from_sheets(SHEETS))
    ds = SheetDataset(SHEETS, tok)
    sources = [src for src, _ in SHEETS]
    batcher = BatchSampler(HerbariumGroupedSampler(sources), batch_size=3, drop_last=False)
    dl = DataLoader(ds, batch_sampler=batcher, collate_fn=PadToLongest())

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                     num_labels=len(TAGS))
    model = BertForTokenClassification(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    print(f"{len(ds)} sheets from {len(set(sources))} herbaria, vocab {tok.vocab_size}")

    model.train()
    for epoch in range(4):
        running = []
        for step, batch in enumerate(dl):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            running.append(out.loss.item())
        print(f"epoch {epoch} mean loss {sum(running) / len(running):.4f}")


if __name__ == "__main__":
    main()
