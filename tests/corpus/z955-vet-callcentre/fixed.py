"""After-hours veterinary call triage: text of the call note + when the call came in.

Small BERT-style encoder written in plain torch; the call time is added as
weekday / hour embeddings on top of the pooled text vector.
"""
import random
from dataclasses import dataclass
from datetime import datetime

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(5)
torch.manual_seed(5)

URGENCY = ["advice", "next_day", "see_now"]
CALLS = [
    ("2024-03-14 23:10", "dog ate chocolate bar about an hour ago and is panting", "see_now"),
    ("2024-03-15 07:45", "cat sneezing since yesterday still eating normally", "advice"),
    ("2024-03-16 02:30", "rabbit not eating and no droppings since morning", "see_now"),
    ("2024-03-17 19:05", "puppy has a small cut on paw bleeding stopped", "next_day"),
    ("2024-03-18 21:40", "horse pawing and rolling signs of colic", "see_now"),
    ("2024-03-20 06:15", "dog limping on back leg after walk still bearing weight", "next_day"),
    ("2024-03-22 22:55", "cat straining in litter tray producing nothing", "see_now"),
    ("2024-03-23 08:20", "owner asks about worming dose for kitten", "advice"),
    ("2024-03-26 20:35", "dog vomited once now drinking and bright", "advice"),
    ("2024-03-29 01:50", "ewe lambing with head out and no legs visible", "see_now"),
]


@dataclass
class EncCfg:
    d_model: int = 32
    n_heads: int = 2
    ff: int = 64
    max_len: int = 24
    n_weekdays: int = 7
    n_hours: int = 24


class WordVocab:
    PAD, UNK = 0, 1

    def __init__(self, texts):
        words = sorted({w for t in texts for w in t.lower().split()})
        self.itos = ["<pad>", "<unk>"] + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, text, max_len):
        return [self.stoi.get(w, self.UNK) for w in text.lower().split()][:max_len]


def parse_stamp(stamp):
    t = datetime.strptime(stamp, "%Y-%m-%d %H:%M").timetuple()
    return {"hour": t[3], "weekday": t[6], "month": t[1]}


def check_stamp(stamp, fields):
    assert stamp[11:13] == f"{fields['hour']:02d}", (stamp, fields)
    assert stamp[5:7] == f"{fields['month']:02d}", (stamp, fields)


class TriageNet(nn.Module):
    def __init__(self, cfg, vocab_size, n_classes):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, cfg.d_model, padding_idx=WordVocab.PAD)
        self.pos = nn.Embedding(cfg.max_len, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, cfg.ff, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.weekday_emb = nn.Embedding(cfg.n_weekdays, cfg.d_model)
        self.hour_emb = nn.Embedding(cfg.n_hours, cfg.d_model)
        self.out = nn.Linear(cfg.d_model, n_classes)

    def forward(self, tokens, is_pad, weekday, hour):
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        x = self.encoder(self.tok(tokens) + self.pos(positions), src_key_padding_mask=is_pad)
        keep = (~is_pad).unsqueeze(-1).float()
        pooled = (x * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.out(pooled + self.weekday_emb(weekday) + self.hour_emb(hour))


def batches(rows, vocab, cfg, size):
    for i in range(0, len(rows), size):
        chunk = rows[i:i + size]
        seqs = [vocab.encode(text, cfg.max_len) for _, text, _ in chunk]
        width = max(len(s) for s in seqs)
        tokens = torch.full((len(seqs), width), WordVocab.PAD)
        for r, s in enumerate(seqs):
            tokens[r, :len(s)] = torch.tensor(s)
        when = [parse_stamp(stamp) for stamp, _, _ in chunk]
        for (stamp, _, _), fields in zip(chunk, when):
            check_stamp(stamp, fields)
        yield {
            "tokens": tokens,
            "is_pad": tokens == WordVocab.PAD,
            "weekday": torch.tensor([f["weekday"] for f in when]),
            "hour": torch.tensor([f["hour"] for f in when]),
        }, torch.tensor([URGENCY.index(u) for _, _, u in chunk])


def main():
    cfg = EncCfg()
    vocab = WordVocab([t for _, t, _ in CALLS])
    model = TriageNet(cfg, len(vocab.itos), len(URGENCY))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    print(f"vocab={len(vocab.itos)} calls={len(CALLS)}")

    for epoch in range(4):
        rows = CALLS[:]
        random.shuffle(rows)
        total = 0.0
        for feats, target in batches(rows, vocab, cfg, size=4):
            assert feats["tokens"].max() < len(vocab.itos)
            assert feats["tokens"].shape[1] <= cfg.max_len
            logits = model(**feats)
            loss = F.cross_entropy(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(target)
        print(f"epoch {epoch}: loss {total / len(CALLS):.4f}")


if __name__ == "__main__":
    main()
