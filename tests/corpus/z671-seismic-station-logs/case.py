"""Classify seismic station operator logs: earthquake / quarry blast / instrument noise.

Small BERT from config, word-level vocab written to a temp dir.
Functional style: encoding settings are captured in closures, batches built with map/zip.
"""
import functools
import itertools
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(21)

LABELS = ("earthquake", "blast", "noise")

LOGS = [
    ("STA01", "sharp p onset followed by clear s phase, distance roughly 40 km", "earthquake"),
    ("STA02", "impulsive arrival at 12:00 sharp, weekday, near the limestone quarry", "blast"),
    ("STA03", "spiky bursts on the vertical channel, sensor vault flooded again", "noise"),
    ("STA01", "emergent arrival with long coda, felt reports from the valley", "earthquake"),
    ("STA04", "daily midday event, compressional first motion on all stations, quarry schedule "
              "confirms a shot, operator called the site manager who confirmed charges were set "
              "on the upper bench, amplitude similar to the shot last tuesday and the one before "
              "that, no aftershocks, no felt reports, coda short", "blast"),
    ("STA03", "gps clock lost lock, timing jumps on every channel", "noise"),
    ("STA02", "", "noise"),
]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

pipe = lambda *fns: lambda x: functools.reduce(lambda acc, f: f(acc), fns, x)
clean = pipe(str.lower, lambda s: s.replace(",", " ").replace(":", " "), str.split, " ".join)


def vocab_file(texts):
    words = sorted(set(itertools.chain.from_iterable(t.split() for t in texts)))
    path = os.path.join(tempfile.mkdtemp(prefix="seis_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.writelines(w + "\n" for w in SPECIALS + words)
    return path


def batcher(tokenizer, **tok_kwargs):
    encode = functools.partial(tokenizer, return_tensors="pt", **tok_kwargs)

    def to_batch(rows):
        texts, targets = zip(*((clean(r[1]), LABELS.index(r[2])) for r in rows))
        return encode(list(texts)), torch.tensor(targets)
    return to_batch


def chunks(seq, size):
    it = iter(seq)
    while block := list(itertools.islice(it, size)):
        yield block


def build_model(cfg):
    encoder = BertModel(cfg)
    head = nn.Linear(cfg.hidden_size, len(LABELS))
    return encoder, head, lambda enc: head(encoder(**enc).pooler_output)


def main():
    usable = list(filter(lambda r: r[1].strip(), LOGS))
    print(f"{len(usable)} usable logs out of {len(LOGS)}")
    tokenizer = BertTokenizer(vocab_file(map(lambda r: clean(r[1]), usable)))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)

    to_batch = batcher(tokenizer, padding="longest")
    batches = list(map(to_batch, chunks(usable, 3)))
    for enc, y in batches:
        print("  batch", tuple(enc["input_ids"].shape), "labels", y.tolist())

    encoder, head, classify = build_model(cfg)
    optim = torch.optim.AdamW([*encoder.parameters(), *head.parameters()], lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(10):
        epoch_loss = 0.0
        for enc, y in batches:
            optim.zero_grad()
            loss = loss_fn(classify(enc), y)
            loss.backward()
            optim.step()
            epoch_loss += loss.item()
        if epoch % 3 == 0:
            print(f"epoch {epoch}  loss {epoch_loss / len(batches):.4f}")

    encoder.eval()
    with torch.no_grad():
        preds = [classify(enc).argmax(-1) for enc, _ in batches]
    for (station, text, gold), p in zip(usable, torch.cat(preds).tolist()):
        print(f"{station} gold={gold:<10} pred={LABELS[p]:<10} {text[:40]}")


if __name__ == "__main__":
    main()
