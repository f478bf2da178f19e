"""Harbour-master log classifier: tags berth log entries by operation type.

Small BERT built from scratch; the port authority's abbreviations are added
as whole tokens so they don't get split into [UNK] pieces.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

BASE_WORDS = (
    "vessel arrived departed at berth pilot boarded tug assist cargo discharge "
    "loading container bulk grain crane delayed weather wind swell anchored "
    "outer roads customs cleared bunkers taken fuel crew change shift north "
    "south quay hold hatch draft tide high low waiting slot"
).split()

PORT_CODES = ["<imo>", "<berth>", "<eta>", "<etd>", "<ppu>"]

ROWS = [
    ("vessel <imo> arrived at <berth> pilot boarded", "arrival"),
    ("tug assist <ppu> vessel departed north quay <etd>", "departure"),
    ("cargo discharge grain crane delayed wind", "cargo"),
    ("anchored outer roads waiting slot <eta> high tide", "anchorage"),
    ("container loading hold hatch <berth> shift change", "cargo"),
    ("bunkers taken fuel <imo> south quay", "service"),
    ("crew change customs cleared <berth>", "service"),
    ("vessel departed low tide draft <etd> tug assist", "departure"),
]


@dataclass
class LogCfg:
    max_len: int = 24
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    lr: float = 3e-4
    epochs: int = 2
    batch_size: int = 4


class Pipeline:
    def __init__(self, cfg):
        self.cfg = cfg
        self.workdir = tempfile.mkdtemp(prefix="harbour_")

    def load(self, rows):
        self.texts = [t for t, _ in rows]
        kinds = sorted({k for _, k in rows})
        self.kind2id = {k: i for i, k in enumerate(kinds)}
        self.targets = torch.tensor([self.kind2id[k] for _, k in rows])
        print(f"[load] {len(self.texts)} entries, {len(kinds)} kinds: {kinds}")
        return self

    def tokenize(self):
        vocab_path = os.path.join(self.workdir, "vocab.txt")
        with open(vocab_path, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS) + "\n")
        self.tokenizer = BertTokenizer(vocab_path)
        added = self.tokenizer.add_tokens(PORT_CODES)
        print(f"[tokenize] base vocab {len(BASE_WORDS) + 5}, added {added} port codes")
        self.encoded = [self.tokenizer(t, truncation=True, max_length=self.cfg.max_len) for t in self.texts]
        return self

    def pad(self):
        padded = self.tokenizer.pad(self.encoded, padding="longest", return_tensors="pt")
        self.ids = padded["input_ids"]
        self.attn = padded["attention_mask"]
        print(f"[pad] batch tensor {tuple(self.ids.shape)}")
        return self

    def build_model(self):
        bert_cfg = BertConfig(
            vocab_size=len(self.tokenizer),
            hidden_size=self.cfg.hidden,
            num_hidden_layers=self.cfg.layers,
            num_attention_heads=self.cfg.heads,
            intermediate_size=self.cfg.hidden * 2,
            max_position_embeddings=64,
            num_labels=len(self.kind2id),
        )
        self.model = BertForSequenceClassification(bert_cfg)
        n_params = sum(p.numel() for p in self.model.parameters())
        print(f"[model] {n_params:,} params, vocab {bert_cfg.vocab_size}")
        return self

    def _batches(self):
        order = list(range(len(self.texts)))
        random.shuffle(order)
        bs = self.cfg.batch_size
        for start in range(0, len(order), bs):
            idx = torch.tensor(order[start:start + bs])
            yield {
                "input_ids": self.ids[idx],
                "attention_mask": self.attn[idx],
                "labels": self.targets[idx],
            }

    def train(self):
        opt = torch.optim.AdamW(self.model.parameters(), lr=self.cfg.lr)
        self.model.train()
        for epoch in range(self.cfg.epochs):
            running = 0.0
            for step, batch in enumerate(self._batches()):
                out = self.model(**batch)
                out.loss.backward()
                opt.step()
                opt.zero_grad()
                running += out.loss.item()
            print(f"[train] epoch {epoch} loss {running / (step + 1):.4f}")
        return self


if __name__ == "__main__":
    Pipeline(LogCfg()).load(ROWS).tokenize().pad().build_model().train()
    print("done")
