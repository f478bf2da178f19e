import math
import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn

SEED = 2024
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

PAD, UNK = 0, 1


def fake_corpus(n_sent):
    rng = np.random.default_rng(SEED)
    nouns = ["aru", "temi", "oka", "sulu", "maki", "nawe", "pito", "rena"]
    verbs = ["kapa", "sela", "wuni", "tora"]
    dets = ["na", "te"]
    out = []
    for k in range(n_sent):
        toks = []
        for _ in range(rng.integers(2, 5)):
            if rng.random() < 0.5:
                toks.append((str(rng.choice(dets)), "DET"))
            stem = str(rng.choice(nouns))
            toks.append((stem + ("ni" if rng.random() < 0.3 else ""), "NOUN"))
            toks.append((str(rng.choice(verbs)) + str(rng.choice(["", "ka", "ru"])), "VERB"))
        toks.append((".", "PUNCT"))
        body = "\n".join(f"{i}\t{w}\t_\t{p}\t_\t_\t_\t_\t_\t_" for i, (w, p) in enumerate(toks, 1))
        out.append(f"# sent_id = {k}\n{body}")
    return "\n\n".join(out)


def sentences(conllu):
    for chunk in conllu.split("\n\n"):
        rows = [r.split("\t") for r in chunk.splitlines() if r and not r.startswith("#")]
        yield [r[1] for r in rows], [r[3] for r in rows]


data = list(sentences(fake_corpus(200)))
random.shuffle(data)
split = int(0.85 * len(data))
train, dev = data[:split], data[split:]


def build_vocab(sents, min_freq=2):
    counts = Counter(w.lower() for words, _ in sents for w in words)
    kept = sorted(w for w, c in counts.items() if c >= min_freq)
    return {w: i + 2 for i, w in enumerate(kept)}


word2id = build_vocab(train)
char2id = {c: i + 2 for i, c in enumerate(sorted({c for ws, _ in train for w in ws for c in w}))}
tag2id = {t: i for i, t in enumerate(sorted({t for _, ts in train for t in ts}))}


def make_encoder(max_word_len=12):
    def encode(words):
        w = [word2id.get(x.lower(), UNK) for x in words]
        c = [[char2id.get(ch, UNK) for ch in x[:max_word_len]] for x in words]
        return w, c
    return encode


encode = make_encoder()


def batches(pairs, size, shuffle=False):
    idx = list(range(len(pairs)))
    if shuffle:
        random.shuffle(idx)
    for s in range(0, len(idx), size):
        chunk = [pairs[i] for i in idx[s:s + size]]
        enc = [encode(ws) for ws, _ in chunk]
        T = max(len(w) for w, _ in enc)
        L = max(len(x) for _, cs in enc for x in cs)
        W = torch.full((len(chunk), T), PAD, dtype=torch.long)
        C = torch.full((len(chunk), T, L), PAD, dtype=torch.long)
        Y = torch.full((len(chunk), T), -1, dtype=torch.long)
        for b, ((w, cs), (_, tags)) in enumerate(zip(enc, chunk)):
            W[b, :len(w)] = torch.tensor(w)
            Y[b, :len(w)] = torch.tensor([tag2id.get(t, -1) for t in tags])
            for t, x in enumerate(cs):
                C[b, t, :len(x)] = torch.tensor(x)
        yield W, C, Y


class CharCNN(nn.Module):
    def __init__(self, n_chars, dim=16, filters=32, width=3):
        super().__init__()
        self.emb = nn.Embedding(n_chars, dim, padding_idx=PAD)
        self.conv = nn.Conv1d(dim, filters, width, padding=width // 2)

    def forward(self, C):
        B, T, L = C.shape
        e = self.emb(C.view(-1, L)).transpose(1, 2)
        return torch.relu(self.conv(e)).max(dim=2).values.view(B, T, -1)


class BiLSTMTagger(nn.Module):
    def __init__(self, n_words, n_chars, n_tags, wdim=50, hidden=64):
        super().__init__()
        self.word_emb = nn.Embedding(n_words, wdim, padding_idx=PAD)
        self.char_cnn = CharCNN(n_chars)
        self.lstm = nn.LSTM(wdim + 32, hidden, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hidden, n_tags)

    def forward(self, W, C):
        x = torch.cat([self.word_emb(W), self.char_cnn(C)], dim=-1)
        h, _ = self.lstm(x)
        return self.proj(h)


tagger = BiLSTMTagger(
    n_words=len(word2id),
    n_chars=len(char2id) + 2,
    n_tags=len(tag2id),
)
loss_fn = nn.CrossEntropyLoss(ignore_index=-1)
opt = torch.optim.SGD(tagger.parameters(), lr=0.1, momentum=0.9)

for ep in range(1, 4):
    tagger.train()
    running, nb = 0.0, 0
    for W, C, Y in batches(train, 20, shuffle=True):
        scores = tagger(W, C)
        loss = loss_fn(scores.flatten(0, 1), Y.flatten())
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(tagger.parameters(), 5.0)
        opt.step()
        running += loss.item()
        nb += 1
    tagger.eval()
    with torch.no_grad():
        good = total = 0
        for W, C, Y in batches(dev, 32):
            guess = tagger(W, C).argmax(-1)
            m = Y >= 0
            good += (guess[m] == Y[m]).sum().item()
            total += m.sum().item()
    print(f"ep {ep} train ppl {math.exp(running / nb):.2f} dev acc {good / total:.3f}")
