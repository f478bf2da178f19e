# Shipping forecast bulletins -> "gale warning in force?" classifier.
# Each bulletin line is split into its fields (area / wind / sea state / visibility)
# and each field gets its own segment id so the encoder knows where it is.
import contextlib
import os
import tempfile
import time
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

FIELDS = ("area", "wind", "sea", "visibility")

BULLETINS = [
    ({"area": "viking north utsire", "wind": "southwest gale eight", "sea": "very rough", "visibility": "poor"}, 1),
    ({"area": "dogger", "wind": "westerly four", "sea": "moderate", "visibility": "good"}, 0),
    ({"area": "fastnet", "wind": "severe gale nine", "sea": "high", "visibility": "moderate occasionally poor"}, 1),
    ({"area": "irish sea", "wind": "variable three", "sea": "slight", "visibility": "good"}, 0),
    ({"area": "fair isle", "wind": "northerly gale eight", "sea": "rough", "visibility": "moderate"}, 1),
    ({"area": "thames", "wind": "easterly five", "sea": "moderate", "visibility": "good occasionally poor"}, 0),
]


@dataclass
class Run:
    name: str
    settings: dict
    timings: dict = field(default_factory=dict)


@contextlib.contextmanager
def experiment(name, **settings):
    torch.manual_seed(settings.get("seed", 0))
    run = Run(name, settings)
    print(f"== {name} ==  {settings}")
    yield run
    print(f"== {name} done ==  " + ", ".join(f"{k}={v:.3f}s" for k, v in run.timings.items()))


_current = []


@contextlib.contextmanager
def timer(label):
    t0 = time.perf_counter()
    yield
    dt = time.perf_counter() - t0
    if _current:
        _current[-1].timings[label] = dt


def write_vocab(directory):
    words = sorted({w for b, _ in BULLETINS for part in b.values() for w in part.split()})
    path = os.path.join(directory, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode_bulletin(tok, bulletin):
    ids, segs = [tok.cls_token_id], [0]
    for seg_no, key in enumerate(FIELDS):
        piece = tok.convert_tokens_to_ids(tok.tokenize(bulletin[key])) + [tok.sep_token_id]
        ids += piece
        segs += [seg_no] * len(piece)
    return ids, segs


def collate(tok, rows):
    encoded = [encode_bulletin(tok, b) for b, _ in rows]
    width = max(len(ids) for ids, _ in encoded)
    batch = {"input_ids": [], "token_type_ids": [], "attention_mask": []}
    for ids, segs in encoded:
        gap = width - len(ids)
        batch["input_ids"].append(ids + [tok.pad_token_id] * gap)
        batch["token_type_ids"].append(segs + [0] * gap)
        batch["attention_mask"].append([1] * len(ids) + [0] * gap)
    batch = {k: torch.tensor(v) for k, v in batch.items()}
    return batch, torch.tensor([y for _, y in rows])


class GaleHead(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder
        self.out = nn.Linear(encoder.config.hidden_size, 2)

    def forward(self, **batch):
        hidden = self.encoder(**batch).last_hidden_state
        return self.out(hidden[:, 0])


def main():
    with experiment("gale-warning", seed=11, lr=1e-3, epochs=4) as run:
        _current.append(run)
        tok = BertTokenizer(write_vocab(tempfile.mkdtemp(prefix="shipping_")))
        cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                         type_vocab_size=len(FIELDS))
        model = GaleHead(BertModel(cfg))
        optim = torch.optim.Adam(model.parameters(), lr=run.settings["lr"])
        loss_fn = nn.CrossEntropyLoss()

        with timer("encode"):
            batch, gale = collate(tok, BULLETINS)

        with timer("train"):
            model.train()
            for epoch in range(run.settings["epochs"]):
                loss = loss_fn(model(**batch), gale)
                loss.backward()
                optim.step()
                optim.zero_grad()
                print(f"  epoch {epoch}: loss {loss.item():.4f}")

        with torch.no_grad(), timer("eval"):
            model.eval()
            guess = model(**batch).argmax(-1)
            print(f"  train accuracy {(guess == gale).float().mean().item():.2f}")
        _current.pop()


if __name__ == "__main__":
    main()
