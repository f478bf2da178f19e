"""Colony-health triage from apiary inspection notes.

Small BERT encoder + linear head, trained for a couple of steps on the notes
our inspectors typed into the field tablet. Everything is built locally so it
can run on the laptop in the honey house.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)
random.seed(7)

HEALTH_CLASSES = ["thriving", "watch", "queenless", "disease_suspected"]

INSPECTION_NOTES = [
    ("strong colony , eight frames of brood , queen seen , calm on the comb", 0),
    ("brood pattern spotty , a few capped cells sunken and perforated , smell off , "
     "sample taken for the lab , inspector to return in five days to check the comb "
     "again and look for ropy larvae in the cells near the bottom bar of the frame", 3),
    ("no eggs , no young larvae , emergency queen cells on frame four", 2),
    ("moderate stores , some varroa on the sticky board , treat after harvest", 1),
    ("queen seen , laying well , supers added", 0),
    ("bees roaring , no queen , laying workers suspected , multiple eggs per cell", 2),
]

VOCAB_WORDS = sorted({w for note, _ in INSPECTION_NOTES for w in note.split()})


def write_vocab(words):
    tmp_dir = tempfile.mkdtemp(prefix="apiary_vocab_")
    path = os.path.join(tmp_dir, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


class HiveTriageModel(nn.Module):
    def __init__(self, config, n_classes):
        super().__init__()
        self.encoder = BertModel(config)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(config.hidden_size, n_classes)

    def forward(self, **enc):
        out = self.encoder(**enc)
        pooled = out.last_hidden_state[:, 0]
        return self.head(self.dropout(pooled))


def encode_notes(tokenizer, notes):
    # pad to the longest note in the batch
    return tokenizer(notes, padding=True, return_tensors="pt")


def batches(items, size):
    for start in range(0, len(items), size):
        chunk = items[start:start + size]
        yield [t for t, _ in chunk], torch.tensor([y for _, y in chunk])


def main():
    vocab_path = write_vocab(VOCAB_WORDS)
    tokenizer = BertTokenizer(vocab_path)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=48,
    )
    model = HiveTriageModel(config, len(HEALTH_CLASSES))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    print(f"vocab={tokenizer.vocab_size} notes={len(INSPECTION_NOTES)}")
    model.train()
    for epoch in range(2):
        shuffled = INSPECTION_NOTES[:]
        random.shuffle(shuffled)
        running = 0.0
        for notes, targets in batches(shuffled, 3):
            enc = encode_notes(tokenizer, notes)
            logits = model(**enc)
            loss = loss_fn(logits, targets)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running:.4f}")

    model.eval()
    with torch.no_grad():
        probe = ["queen seen , calm bees , brood on six frames"]
        pred = model(**encode_notes(tokenizer, probe)).argmax(-1).item()
    print("probe ->", HEALTH_CLASSES[pred])


if __name__ == "__main__":
    main()
