"""Port-call delay classifier: pilot/agent notes + a learned per-berth offset.

Predicts whether a port call ends on time, with a minor delay or a major delay.
"""
import os
import random
import tempfile
from functools import partial
from itertools import chain, groupby
from operator import itemgetter

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)

DELAY_CLASSES = ["on_time", "minor", "major"]

PORT_CALLS = [
    {"vessel": "Nordic Tern", "berth": "K4", "note": "pilot boarded early tugs ready swell low", "delay": 0},
    {"vessel": "Nordic Tern", "berth": "K2", "note": "crane outage two hours cargo held", "delay": 1},
    {"vessel": "Asta Maru", "berth": "K1", "note": "customs hold on reefer boxes", "delay": 2},
    {"vessel": "Asta Maru", "berth": "K4", "note": "smooth mooring no remarks", "delay": 0},
    {"vessel": "Belle Isle", "berth": "K3", "note": "fog at anchorage pilot delayed", "delay": 1},
    {"vessel": "Cape Sorel", "berth": "K2", "note": "gang shortage night shift cargo held", "delay": 2},
    {"vessel": "Cape Sorel", "berth": "K1", "note": "tugs ready swell low smooth mooring", "delay": 0},
    {"vessel": "Marisol", "berth": "K3", "note": "reefer boxes inspected customs hold", "delay": 2},
    {"vessel": "Marisol", "berth": "K2", "note": "pilot boarded early no remarks", "delay": 0},
    {"vessel": "Orla Grey", "berth": "K4", "note": "crane outage fog at anchorage", "delay": 1},
    {"vessel": "Orla Grey", "berth": "K1", "note": "gang shortage two hours", "delay": 1},
    {"vessel": "Tiber Star", "berth": "K3", "note": "smooth mooring tugs ready", "delay": 0},
]

VESSEL = itemgetter("vessel")
BERTH = itemgetter("berth")


def write_vocab(texts):
    words = sorted(set(chain.from_iterable(map(str.split, texts))))
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path, len(specials) + len(words)


def index_by(rows, key):
    """Sort + group rows; returns the distinct keys and the grouped rows, same order."""
    grouped = [(k, list(g)) for k, g in groupby(sorted(rows, key=key), key=key)]
    return list(map(itemgetter(0), grouped)), list(map(itemgetter(1), grouped))


class BerthAwareClassifier(nn.Module):
    def __init__(self, cfg, n_berths, n_classes):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.berth_offset = nn.Embedding(n_berths, cfg.hidden_size)
        self.head = nn.Linear(cfg.hidden_size, n_classes)

    def forward(self, token_ids, attn, berth_ids):
        cls_vec = self.encoder(input_ids=token_ids, attention_mask=attn).last_hidden_state[:, 0]
        return self.head(torch.tanh(cls_vec + self.berth_offset(berth_ids)))


def call_examples(berth_slot, calls):
    return [(c["note"], berth_slot[c["berth"]], c["delay"]) for c in calls]


def batches(examples, tokenizer, size):
    for start in range(0, len(examples), size):
        chunk = examples[start:start + size]
        enc = tokenizer(list(map(itemgetter(0), chunk)), padding=True, return_tensors="pt")
        yield {
            "token_ids": enc["input_ids"],
            "attn": enc["attention_mask"],
            "berth_ids": torch.tensor(list(map(itemgetter(1), chunk))),
        }, torch.tensor(list(map(itemgetter(2), chunk)))


def main():
    vocab_path, vocab_size = write_vocab(map(itemgetter("note"), PORT_CALLS))
    tokenizer = BertTokenizer(vocab_path)

    berths, _ = index_by(PORT_CALLS, BERTH)
    vessels, voyages = index_by(PORT_CALLS, VESSEL)
    print(f"{len(PORT_CALLS)} port calls, {len(vessels)} vessels, berths {berths}")

    # keep each vessel's calls together so the train/holdout split is per vessel
    berth_slot = {b: i for i, b in enumerate(berths)}
    examples = list(chain.from_iterable(map(partial(call_examples, berth_slot), voyages)))

    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    model = BerthAwareClassifier(cfg, n_berths=len(berths), n_classes=len(DELAY_CLASSES))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()
    make_batches = partial(batches, tokenizer=tokenizer, size=4)

    model.train()
    for epoch in range(3):
        total = 0.0
        for feats, target in make_batches(examples):
            logits = model(**feats)
            loss = loss_fn(logits, target)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.4f}")

    model.eval()
    with torch.no_grad():
        preds = list(chain.from_iterable(
            model(**feats).argmax(-1).tolist() for feats, _ in make_batches(examples)))
    hits = sum(map(lambda pe: pe[0] == pe[1][2], zip(preds, examples)))
    print(f"train accuracy {hits}/{len(examples)}")


if __name__ == "__main__":
    main()
