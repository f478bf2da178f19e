"""Excavation finds register: predict material class from the field description.

Trench supervisors type a one-line description per small find; we want the
material class filled in before the specialist sees the bag.
"""
import os
import tempfile
from dataclasses import dataclass, field

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, DataCollatorWithPadding

torch.manual_seed(11)

FINDS = [
    ("rim sherd red slip burnished context 104", "ceramic"),
    ("flint blade retouched edge cortex remaining", "lithic"),
    ("copper alloy pin corroded green patina", "metal"),
    ("animal bone cut marks near articular end", "faunal"),
    ("body sherd grey fabric coarse temper", "ceramic"),
    ("chert flake bulb of percussion visible", "lithic"),
    ("iron nail square shank heavily corroded", "metal"),
    ("blue glass bead drawn cylindrical", "glass"),
    ("burnt bone fragment calcined white", "faunal"),
    ("green glass vessel fragment curved", "glass"),
]

RECORDING_WORDS = sorted({w for text, _ in FINDS for w in text.split()})


@dataclass
class RegisterConfig:
    num_labels: int = 4
    hidden_size: int = 32
    max_len: int = 32
    batch_size: int = 4
    epochs: int = 2
    lr: float = 5e-4
    special: list = field(default_factory=lambda: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])


class Pipeline:
    def __init__(self, cfg: RegisterConfig):
        self.cfg = cfg
        self.tmp = tempfile.mkdtemp()
        self.material_ids = {}

    def load(self, finds):
        self.descriptions, self.material = [], []
        for text, mat in finds:
            self.descriptions.append(text)
            self.material.append(self.material_ids.setdefault(mat, len(self.material_ids)))
        print(f"load: {len(self.descriptions)} finds, materials {list(self.material_ids)}")
        return self

    def tokenize(self):
        vocab_file = os.path.join(self.tmp, "vocab.txt")
        with open(vocab_file, "w") as f:
            for tok in self.cfg.special + RECORDING_WORDS:
                f.write(tok + "\n")
        self.tok = BertTokenizer(vocab_file)
        enc = self.tok(self.descriptions, truncation=True, max_length=self.cfg.max_len)
        self.features = [
            {"input_ids": ids, "attention_mask": am, "labels": lab}
            for ids, am, lab in zip(enc["input_ids"], enc["attention_mask"], self.material)
        ]
        return self

    def pad(self):
        self.collator = DataCollatorWithPadding(self.tok, padding="longest", return_tensors="pt")
        self.loader = DataLoader(self.features, batch_size=self.cfg.batch_size, shuffle=True,
                                 collate_fn=self.collator)
        return self

    def build_model(self):
        c = self.cfg
        bert_cfg = BertConfig(
            vocab_size=len(self.tok),
            hidden_size=c.hidden_size,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
            num_labels=c.num_labels,
        )
        self.model = BertForSequenceClassification(bert_cfg)
        return self

    def train(self):
        optim = torch.optim.AdamW(self.model.parameters(), lr=self.cfg.lr)
        history = []
        for epoch in range(self.cfg.epochs):
            self.model.train()
            for batch in self.loader:
                loss = self.model(**batch).loss
                loss.backward()
                optim.step()
                optim.zero_grad()
                history.append(loss.item())
            print(f"epoch {epoch}: mean loss {sum(history[-len(self.loader):]) / len(self.loader):.4f}")
        self.history = history
        return self


if __name__ == "__main__":
    Pipeline(RegisterConfig()).load(FINDS).tokenize().pad().build_model().train()
    print("register model trained")
