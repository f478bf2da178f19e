"""Small reward model for ranking HVAC troubleshooting answers.

Senior techs rated candidate answers 1-5; we fit a Bradley-Terry style scorer so the
assistant can rerank drafts before they go out to field crews."""
import re
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(0)
torch.manual_seed(0)


@dataclass
class Rated:
    prompt: str
    answer: str
    rating: int


RATED = [
    Rated("rooftop unit short cycling", "check the low pressure switch and refrigerant charge", 5),
    Rated("rooftop unit short cycling", "oversized unit or dirty filter, check both first", 4),
    Rated("rooftop unit short cycling", "replace the compressor", 1),
    Rated("heat pump frozen coil in winter", "test the defrost board and outdoor sensor", 5),
    Rated("heat pump frozen coil in winter", "just turn it off for a day", 2),
    Rated("furnace flame rolls out", "shut it down, inspect heat exchanger and flue", 5),
    Rated("furnace flame rolls out", "clean the burners and check the vent for blockage", 4),
    Rated("furnace flame rolls out", "turn the gas pressure up", 1),
    Rated("condensate pump alarm", "clear the drain line and clean the float", 4),
    Rated("condensate pump alarm", "unplug the alarm wire", 1),
    Rated("chiller high head pressure", "clean the condenser tubes and check the fan", 5),
    Rated("chiller high head pressure", "verify condenser water flow and tower fans", 4),
    Rated("chiller high head pressure", "add more refrigerant", 2),
    Rated("thermostat blank screen", "check the 24 volt transformer and the fuse", 4),
]


class WordVocab:
    def __init__(self, texts):
        words = sorted({w for t in texts for w in re.findall(r"\w+", t.lower())})
        self.itos = ["<pad>", "<sep>"] + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, prompt, answer):
        toks = re.findall(r"\w+", prompt.lower()) + ["<sep>"] + re.findall(r"\w+", answer.lower())
        return [self.stoi[t] for t in toks]

    def batch(self, rows):
        seqs = [self.encode(r.prompt, r.answer) for r in rows]
        width = max(len(s) for s in seqs)
        ids = torch.zeros(len(seqs), width, dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = torch.tensor(s)
        return ids, ids.eq(0)


class AnswerScorer(nn.Module):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(dim, 1)

    def forward(self, ids, pad):
        h = self.encoder(self.emb(ids), src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1)
        return self.head(pooled).squeeze(-1)


def make_preference_pairs(rows, good=4, bad=2):
    by_prompt = {}
    for r in rows:
        by_prompt.setdefault(r.prompt, []).append(r)
    chosen, rejected = [], []
    for group in by_prompt.values():
        for hi in (r for r in group if r.rating >= good):
            for lo in (r for r in group if r.rating <= bad):
                chosen.append(hi)
                rejected.append(lo)
    return chosen, rejected


def pair_batches(chosen, rejected, size):
    order = list(range(len(chosen)))
    random.shuffle(order)
    for start in range(0, len(order), size):
        idx = order[start:start + size]
        yield [chosen[i] for i in idx], [rejected[i] for i in idx if i < len(rejected)]


def train(epochs=3, batch_size=4):
    vocab = WordVocab([r.prompt + " " + r.answer for r in RATED])
    scorer = AnswerScorer(len(vocab.itos))
    opt = torch.optim.AdamW(scorer.parameters(), lr=1e-3)
    chosen, rejected = make_preference_pairs(RATED)
    print(f"vocab={len(vocab.itos)} chosen={len(chosen)} rejected={len(rejected)}")
    for epoch in range(epochs):
        total = 0.0
        for good_rows, bad_rows in pair_batches(chosen, rejected, batch_size):
            s_good = scorer(*vocab.batch(good_rows))
            s_bad = scorer(*vocab.batch(bad_rows))
            loss = -F.logsigmoid(s_good - s_bad).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: pairwise loss {total:.4f}")
    return scorer


if __name__ == "__main__":
    train()
