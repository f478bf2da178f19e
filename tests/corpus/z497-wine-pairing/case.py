# Sommelier assistant: given a dish, pick the best of four candidate wines.
# Small BERT-style cross-encoder written in plain torch; each (dish, wine) pair gets one score,
# and a softmax over the four candidates is trained against the sommelier's pick.
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

N_CANDS = 4
SPECIALS = ["<pad>", "<cls>", "<sep>", "<unk>"]


@dataclass
class PairingItem:
    dish: str
    wines: list
    pick: int


MENU = [
    PairingItem("grilled sardines with lemon", ["albarino", "amarone", "tawny port", "barolo"], 0),
    PairingItem("beef bourguignon", ["muscadet", "red burgundy", "moscato", "fino sherry"], 1),
    PairingItem("oysters on ice", ["zinfandel", "shiraz", "chablis", "sauternes"], 2),
    PairingItem("roquefort and walnuts", ["beaujolais", "prosecco", "pinot grigio", "sauternes"], 3),
    PairingItem("lamb tagine with apricots", ["grenache", "vinho verde", "muscadet", "cava"], 0),
    PairingItem("pad thai with prawns", ["barolo", "off dry riesling", "amarone", "malbec"], 1),
    PairingItem("venison with juniper", ["prosecco", "moscato", "syrah", "vinho verde"], 2),
    PairingItem("salted almonds and olives", ["malbec", "amarone", "tawny port", "fino sherry"], 3),
    PairingItem("mushroom risotto", ["pinot noir", "moscato", "cava", "zinfandel"], 0),
    PairingItem("smoked salmon blinis", ["shiraz", "champagne", "malbec", "tawny port"], 1),
]


def build_vocab(items):
    words = set()
    for it in items:
        words.update(it.dish.split())
        for w in it.wines:
            words.update(w.split())
    return {w: i for i, w in enumerate(SPECIALS + sorted(words))}


def encode_pair(vocab, dish, wine):
    ids = [vocab["<cls>"]] + [vocab.get(w, vocab["<unk>"]) for w in dish.split()]
    ids += [vocab["<sep>"]] + [vocab.get(w, vocab["<unk>"]) for w in wine.split()]
    return ids


def iterate_batches(items, vocab, batch_size, shuffle=True):
    order = list(range(len(items)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), batch_size):
        chunk = [items[i] for i in order[start:start + batch_size]]
        seqs = [encode_pair(vocab, it.dish, w) for it in chunk for w in it.wines]
        width = max(len(s) for s in seqs)
        ids = torch.full((len(seqs), width), vocab["<pad>"], dtype=torch.long)
        for row, s in enumerate(seqs):
            ids[row, :len(s)] = torch.tensor(s)
        yield ids, ids.eq(vocab["<pad>"]), torch.tensor([it.pick for it in chunk])


class PairScorer(nn.Module):
    def __init__(self, vocab_size, dim=32, heads=2, max_len=32):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=64, batch_first=True, dropout=0.1)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.norm = nn.LayerNorm(dim)
        self.score = nn.Linear(dim, 1)

    def forward(self, ids, pad_positions):
        pos = torch.arange(ids.size(1), device=ids.device).unsqueeze(0)
        h = self.norm(self.tok(ids) + self.pos(pos))
        h = self.encoder(h, src_key_padding_mask=pad_positions)
        return self.score(h[:, 0]).squeeze(-1)


def train(model, items, vocab, epochs=3, batch_size=3, lr=3e-3):
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    for epoch in range(epochs):
        model.train()
        total, n = 0.0, 0
        for ids, pad_positions, picks in iterate_batches(items, vocab, batch_size):
            pair_scores = model(ids, pad_positions)
            per_dish = pair_scores.view(N_CANDS, -1)
            loss = F.cross_entropy(per_dish, picks)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(picks)
            n += len(picks)
        print(f"epoch {epoch}: loss {total / n:.4f}")


@torch.no_grad()
def accuracy(model, items, vocab):
    model.eval()
    right = 0
    for ids, pad_positions, picks in iterate_batches(items, vocab, batch_size=5, shuffle=False):
        per_dish = model(ids, pad_positions).view(-1, N_CANDS)
        right += (per_dish.argmax(-1) == picks).sum().item()
    return right / len(items)


if __name__ == "__main__":
    vocab = build_vocab(MENU)
    print(f"{len(MENU)} dishes, vocab size {len(vocab)}")
    scorer = PairScorer(len(vocab))
    train(scorer, MENU, vocab)
    print(f"train accuracy: {accuracy(scorer, MENU, vocab):.2f}")
