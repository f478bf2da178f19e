"""Clause-type tagging for marine cargo insurance wordings.

Tiny BERT encoder + linear head over the [CLS] vector, built by hand from a
Config so the compact variant can run on the underwriting laptops.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

CLAUSES = [
    ("warranted free of capture seizure arrest restraint or detainment", "exclusion"),
    ("this insurance attaches from the time the goods leave the warehouse", "duration"),
    ("general average and salvage charges adjusted according to york antwerp rules", "average"),
    ("in no case shall this insurance cover loss caused by inherent vice", "exclusion"),
    ("the insured shall take such measures as may be reasonable to avert loss", "duty"),
    ("cover terminates on delivery to the final warehouse at destination", "duration"),
]

DEFAULTS = {
    "hidden_size": 64,
    "num_layers": 1,
    "num_heads": 2,
    "max_len": 32,
    "labels": ["exclusion", "duration", "average", "duty"],
    "encoder_overrides": {},
}


class ClauseConfig:
    __slots__ = ("hidden_size", "num_layers", "num_heads", "max_len", "labels", "encoder_overrides")

    def __init__(self, **kw):
        for name in self.__slots__:
            setattr(self, name, kw.get(name, DEFAULTS[name]))

    @classmethod
    def from_dict(cls, d):
        merged = {**DEFAULTS, **d}
        return cls(**merged)

    @classmethod
    def for_task(cls, variant):
        if variant == "compact":
            return cls.from_dict({"encoder_overrides": {"hidden_size": 32, "intermediate_size": 64}})
        return cls.from_dict({})

    @property
    def num_labels(self):
        return len(self.labels)

    def bert_config(self, vocab_size):
        kw = dict(
            vocab_size=vocab_size,
            hidden_size=self.hidden_size,
            num_hidden_layers=self.num_layers,
            num_attention_heads=self.num_heads,
            intermediate_size=self.hidden_size * 4,
            max_position_embeddings=self.max_len,
        )
        kw.update(self.encoder_overrides)
        return BertConfig(**kw)


class ClauseTagger(nn.Module):
    def __init__(self, encoder, head):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.head = head

    @classmethod
    def from_config(cls, cfg, vocab_size):
        encoder = BertModel(cfg.bert_config(vocab_size), add_pooling_layer=False)
        head = nn.Linear(cfg.hidden_size, cfg.num_labels)
        return cls(encoder, head)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.dropout(hidden[:, 0]))


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    folder = tempfile.mkdtemp(prefix="clauses_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def main():
    cfg = ClauseConfig.for_task("compact")
    texts = [t for t, _ in CLAUSES]
    tok = BertTokenizer(write_vocab(texts))
    print(f"vocab={tok.vocab_size} labels={cfg.num_labels} overrides={cfg.encoder_overrides}")

    model = ClauseTagger.from_config(cfg, tok.vocab_size)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model params: {n_params:,}")

    enc = tok(texts, padding=True, truncation=True, max_length=cfg.max_len, return_tensors="pt")
    gold = torch.tensor([cfg.labels.index(lab) for _, lab in CLAUSES])

    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    for step in range(3):
        logits = model(enc["input_ids"], enc["attention_mask"])
        loss = nn.functional.cross_entropy(logits, gold)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        probe = tok(["cover ceases on delivery at destination"], return_tensors="pt")
        pred = model(probe["input_ids"], probe["attention_mask"]).argmax(-1).item()
    print("predicted clause type:", cfg.labels[pred])


if __name__ == "__main__":
    main()
