"""Tag observation sentences from glacier field notebooks (ablation / crevasse / meltwater / weather)."""
import os
import random
import tempfile
from abc import ABC, abstractmethod

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

TAGS = ["ablation", "crevasse", "meltwater", "weather"]

# one notebook page per entry: (page text, {sentence index: tag}); most pages are only partly annotated
PAGES = [
    ("stake four lowered by twelve centimetres . lunch at the hut .", {0: "ablation"}),
    ("fog all morning . no work on the upper basin .", {0: "weather"}),
    ("new crevasse opened near the icefall . roped up for the return .", {0: "crevasse"}),
    ("moulin flow strong after noon . surface streams merging .", {0: "meltwater", 1: "meltwater"}),
    ("radio check with base camp . batteries swapped .", {}),
    ("snow line moved up the tongue . stake six exposed .", {1: "ablation"}),
    ("wind from the north all day . tent poles repaired .", {0: "weather"}),
    ("drone survey postponed . spare parts missing .", {}),
    ("bridge over the crevasse field collapsed overnight .", {0: "crevasse"}),
    ("inventory of the food cache . two tins damaged .", {}),
]

VOCAB_WORDS = ("stake four lowered by twelve centimetres lunch at the hut fog all morning no work on upper basin "
               "new crevasse opened near icefall roped up for return moulin flow strong after noon surface streams "
               "merging radio check with base camp batteries swapped snow line moved tongue six exposed wind from "
               "north day tent poles repaired drone survey postponed spare parts missing bridge over field "
               "collapsed overnight inventory of food cache two tins damaged .").split()


def make_tokenizer():
    folder = tempfile.mkdtemp(prefix="glacier_tok_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(VOCAB_WORDS))))
    return BertTokenizer(path)


class NotebookCorpus(Dataset, ABC):
    """Base class for anything cut out of the field notebooks."""

    unit = None
    max_len = 24

    def __init__(self, pages, tokenizer):
        self.records = pages
        self.tokenizer = tokenizer
        self._build()

    def _encode(self, texts):
        enc = self.tokenizer(texts, padding="max_length", max_length=self.max_len,
                             truncation=True, return_tensors="pt")
        return enc["input_ids"], enc["attention_mask"]

    @abstractmethod
    def _build(self):
        ...

    @abstractmethod
    def __len__(self):
        ...

    @abstractmethod
    def __getitem__(self, idx):
        ...


class PageCorpus(NotebookCorpus):
    unit = "page"

    def _build(self):
        self.ids, self.att = self._encode([text for text, _ in self.records])

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        return {"ids": self.ids[idx], "att": self.att[idx], "tag": -1}


class TaggedSentenceCorpus(NotebookCorpus):
    unit = "sentence"

    def _build(self):
        sentences, tags = [], []
        for text, annotations in self.records:
            parts = [p.strip() + " ." for p in text.split(" .") if p.strip()]
            for pos, tag in annotations.items():
                sentences.append(parts[pos])
                tags.append(TAGS.index(tag))
        self.ids, self.att = self._encode(sentences)
        self.tags = torch.tensor(tags)

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        return {"ids": self.ids[idx], "att": self.att[idx], "tag": self.tags[idx]}


class Collator:
    def __init__(self, device="cpu", keep_unit=False):
        self.device = device
        self.keep_unit = keep_unit

    def __call__(self, items):
        batch = {
            "input_ids": torch.stack([it["ids"] for it in items]).to(self.device),
            "attention_mask": torch.stack([it["att"] for it in items]).to(self.device),
            "labels": torch.as_tensor([int(it["tag"]) for it in items], device=self.device),
        }
        return batch


def main():
    tok = make_tokenizer()
    corpus = TaggedSentenceCorpus(PAGES, tok)
    print(f"{corpus.unit}-level corpus built from {len(PAGES)} pages, {corpus.ids.size(0)} tagged sentences")

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS))
    model = BertForSequenceClassification(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(corpus, batch_size=4, shuffle=True, collate_fn=Collator())

    model.train()
    for epoch in range(3):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    model.eval()
    with torch.no_grad():
        probe = tok(["crevasse opened near the hut ."], return_tensors="pt")
        print("probe ->", TAGS[model(**probe).logits.argmax(-1).item()])


if __name__ == "__main__":
    main()
