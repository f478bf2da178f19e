"""Fog-onset classifier on decoded METAR reports.

Each hourly METAR is normalised into a word sequence ("egll wind 240 12 kt vis 9999 ...")
and the target is whether the *next* report at the same aerodrome has visibility < 1000 m.
Station identifiers and trend groups are added to a small domain vocabulary as whole tokens
so they are not split into word pieces.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(1)
torch.manual_seed(1)

STATIONS = ["EGLL", "EGKK", "EGSS", "EGLC", "EGGW", "EGMC"]
TREND_GROUPS = ["tempo", "becmg", "nosig"]
BASE_WORDS = ["wind", "vrb", "kt", "vis", "cavok", "few", "sct", "bkn", "ovc", "br", "fg",
              "hz", "ra", "dz", "temp", "dew", "qnh", "m"]


def write_vocab(folder):
    pieces = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS
    pieces += [str(d) for d in range(10)] + [f"##{d}" for d in range(10)]
    path = os.path.join(folder, "metar_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(pieces) + "\n")
    return path


def synth_report(station, hour, spread):
    """One normalised METAR; small temperature/dew-point spread at night favours fog."""
    temp = random.randint(2, 14)
    dew = temp - spread
    wdir, wspd = random.choice(range(0, 360, 10)), random.randint(0, 14)
    vis = 9999 if spread > 2 else random.choice([4000, 1500, 800, 300])
    wx = "fg" if vis < 1000 else ("br" if vis < 5000 else "")
    cloud = random.choice(["few", "sct", "bkn", "ovc"]) + f" {random.randint(3, 40):03d}"
    trend = random.choice(TREND_GROUPS)
    words = [station, "wind", f"{wdir:03d}", str(wspd), "kt", "vis", str(vis), wx, cloud,
             "temp", str(temp), "dew", str(dew), "qnh", str(random.randint(995, 1035)), trend]
    return " ".join(w for w in words if w), vis


def build_dataset(n_nights=40):
    texts, labels = [], []
    for _ in range(n_nights):
        station = random.choice(STATIONS)
        spreads = [random.choice([0, 1, 2, 3, 5, 7]) for _ in range(7)]
        reports = [synth_report(station, h, s) for h, s in zip(range(18, 25), spreads)]
        for (text, _), (_, next_vis) in zip(reports[:-1], reports[1:]):
            texts.append(text)
            labels.append(int(next_vis < 1000))
    return texts, labels


def make_collate(tokenizer, max_len=48):
    def collate(batch):
        texts, labels = zip(*batch)
        enc = tokenizer(list(texts), padding=True, truncation=True, max_length=max_len,
                        return_tensors="pt")
        enc["labels"] = torch.tensor(labels)
        return enc
    return collate


def main():
    workdir = tempfile.mkdtemp(prefix="metar_fog_")
    tokenizer = BertTokenizer(write_vocab(workdir))
    n_new = tokenizer.add_tokens(STATIONS + TREND_GROUPS)
    print(f"added {n_new} aerodrome/trend tokens")

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=2,
    )
    model = BertForSequenceClassification(config)

    texts, labels = build_dataset()
    split = int(0.8 * len(texts))
    train = list(zip(texts[:split], labels[:split]))
    valid = list(zip(texts[split:], labels[split:]))
    print(f"{len(train)} train reports, {len(valid)} valid, fog rate {sum(labels) / len(labels):.2f}")

    collate = make_collate(tokenizer)
    train_dl = DataLoader(train, batch_size=16, shuffle=True, collate_fn=collate)
    valid_dl = DataLoader(valid, batch_size=32, collate_fn=collate)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    for epoch in range(3):
        model.train()
        for batch in train_dl:
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()

        model.eval()
        hits = total = 0
        with torch.no_grad():
            for batch in valid_dl:
                pred = model(**batch).logits.argmax(-1)
                hits += (pred == batch["labels"]).sum().item()
                total += batch["labels"].numel()
        print(f"epoch {epoch}: train loss {out.loss.item():.3f}  valid acc {hits / total:.3f}")


if __name__ == "__main__":
    main()
