import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence

random.seed(3)
torch.manual_seed(3)

# token/tag pairs from football commentary
RAW = [
    "Salah/PLAYER shoots/SHOT from/O the/O edge/O and/O scores/GOAL",
    "Kane/PLAYER heads/SHOT wide/MISS after/O a/O corner/SETPIECE",
    "Liverpool/TEAM win/O a/O free/SETPIECE kick/SETPIECE near/O the/O box/O",
    "Rice/PLAYER fouls/FOUL Saka/PLAYER and/O gets/O a/O yellow/CARD card/CARD",
    "Arsenal/TEAM press/O high/O and/O Odegaard/PLAYER shoots/SHOT over/MISS",
    "De/PLAYER Bruyne/PLAYER curls/SHOT it/O into/O the/O top/O corner/O goal/GOAL",
    "penalty/SETPIECE to/O City/TEAM after/O Haaland/PLAYER is/O fouled/FOUL",
    "Haaland/PLAYER scores/GOAL the/O penalty/SETPIECE",
    "red/CARD card/CARD for/O Casemiro/PLAYER after/O a/O late/O tackle/FOUL",
    "Son/PLAYER fires/SHOT wide/MISS of/O the/O post/O",
    "Chelsea/TEAM take/O a/O quick/O corner/SETPIECE and/O Palmer/PLAYER scores/GOAL",
    "Saka/PLAYER is/O booked/CARD for/O a/O foul/FOUL on/O Robertson/PLAYER",
]


@dataclass
class Sentence:
    words: list
    tags: list


def parse(line):
    pairs = [tok.rsplit("/", 1) for tok in line.split()]
    return Sentence([w.lower() for w, _ in pairs], [t for _, t in pairs])


data = [parse(l) for l in RAW]
word_vocab = {"<pad>": 0, "<unk>": 1}
for s in data:
    for w in s.words:
        word_vocab.setdefault(w, len(word_vocab))
tag_list = sorted({t for s in data for t in s.tags})
tag_index = {t: i for i, t in enumerate(tag_list)}


def make_batch(sents):
    toks = [torch.tensor([word_vocab.get(w, 1) for w in s.words]) for s in sents]
    gold = [torch.tensor([tag_index[t] for t in s.tags]) for s in sents]
    return pad_sequence(toks, batch_first=True), pad_sequence(gold, batch_first=True, padding_value=-100)


class Tagger(nn.Module):
    def __init__(self, n_words, n_tags, emb=32, hid=48):
        super().__init__()
        self.emb = nn.Embedding(n_words, emb, padding_idx=0)
        self.rnn = nn.LSTM(emb, hid, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hid, n_tags)

    def forward(self, tok):
        h, _ = self.rnn(self.emb(tok))
        return self.out(h)


tagger = Tagger(len(word_vocab), len(tag_list))
opt = torch.optim.Adam(tagger.parameters(), lr=5e-3)


def step(sents):
    tok, gold = make_batch(sents)
    scores = tagger(tok)
    loss = F.cross_entropy(scores.transpose(1, 2), gold, ignore_index=-100)
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


for epoch in range(15):
    random.shuffle(data)
    losses = [step(data[i:i + 4]) for i in range(0, len(data), 4)]
    if epoch % 5 == 0:
        print(f"epoch {epoch} loss {sum(losses) / len(losses):.3f}")

tagger.eval()
with torch.no_grad():
    tok, gold = make_batch(data)
    pred = tagger(tok).argmax(-1)
    keep = gold != -100
    print("token accuracy:", (pred[keep] == gold[keep]).float().mean().item())
