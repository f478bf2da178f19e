"""Triage of engine-room watch log entries (urgent vs. routine) with a small BERT encoder.

Watch officers type short free-text notes; we embed them and score urgency with a linear head.
"""
import logging
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("er-triage")
torch.manual_seed(7)

WATCH_NOTES = [
    ("aux boiler pressure low, feed pump-2 tripped", 1),
    ("routine sounding of fuel tanks done", 0),
    ("me exhaust temp cyl 4 high (412 c), reduced load", 1),
    ("purifier cleaned and restarted", 0),
    ("bilge alarm aft, water found near stern tube", 1),
    ("generator 3 running hours logged", 0),
]

VOCAB_WORDS = (
    "aux boiler pressure low feed pump tripped routine sounding of fuel tanks done me exhaust "
    "temp cyl high c reduced load purifier cleaned and restarted bilge alarm aft water found "
    "near stern tube generator running hours logged 2 3 4 412 , ( ) -"
).split()


def write_vocab(words):
    folder = tempfile.mkdtemp(prefix="er_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(words)):
            fh.write(tok + "\n")
    return path


def keep_mask_for(notes, pad_to):
    """1 for real positions, 0 for padding; +2 for [CLS]/[SEP]."""
    rows = []
    for note in notes:
        n_real = min(len(note.split()) + 2, pad_to)
        rows.append([1] * n_real + [0] * (pad_to - n_real))
    return torch.tensor(rows, dtype=torch.long)


class UrgencyScorer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, 2)

    def forward(self, token_ids, keep_mask):
        out = self.encoder(input_ids=token_ids, attention_mask=keep_mask)
        return self.head(out.last_hidden_state[:, 0])


def batches(rows, size):
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        yield [t for t, _ in chunk], torch.tensor([y for _, y in chunk])


def main():
    tok = BertTokenizer(write_vocab(VOCAB_WORDS))
    cfg = BertConfig(
        vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
    )
    model = UrgencyScorer(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(2):
        running = 0.0
        for notes, urgent in batches(WATCH_NOTES, size=3):
            enc = tok(notes, padding=True, return_tensors="pt")
            ids = enc["input_ids"]
            keep = enc["attention_mask"]
            log.debug("batch ids %s keep %s", tuple(ids.shape), tuple(keep.shape))

            logits = model(ids, keep)
            loss = loss_fn(logits, urgent)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        log.info("epoch %d loss %.4f", epoch, running)

    model.eval()
    with torch.no_grad():
        probe = ["feed pump tripped, boiler pressure low"]
        enc = tok(probe, return_tensors="pt")
        score = model(enc["input_ids"], enc["attention_mask"]).softmax(-1)[0, 1]
    print(f"urgency for {probe[0]!r}: {score:.3f}")


if __name__ == "__main__":
    main()
