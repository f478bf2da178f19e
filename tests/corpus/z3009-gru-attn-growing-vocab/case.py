import random
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

import torch
import torch.nn as nn
import torch.nn.functional as F

hp = SimpleNamespace(emb=48, hid=64, batch=16, epochs=3, lr=1e-3, clip=1.0, max_decode=20, seed=7)
random.seed(hp.seed)
torch.manual_seed(hp.seed)

SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]

FR = "le la un une chat chien maison voit mange petit grand rouge vert pomme jardin vite".split()
EN = "the a cat dog house sees eats small big red green apple garden quickly".split()
FR_RARE = "oiseau arbre lentement".split()
EN_RARE = "bird tree slowly".split()


def synth(n, src_words, tgt_words):
    out = []
    for _ in range(n):
        k = random.randint(2, 9)
        out.append((" ".join(random.choices(src_words, k=k)),
                    " ".join(random.choices(tgt_words, k=k + random.randint(0, 2)))))
    return out


train_pairs = synth(320, FR, EN)
valid_pairs = synth(48, FR + FR_RARE, EN + EN_RARE)


def build_vocab(sentences):
    stoi = defaultdict(lambda: len(stoi))
    for tok in SPECIALS:
        stoi[tok]
    for s in sentences:
        for w in s.split():
            stoi[w]
    return stoi


src_stoi = build_vocab(s for s, _ in train_pairs)
tgt_stoi = build_vocab(t for _, t in train_pairs)
PAD, BOS, EOS, UNK = (tgt_stoi[t] for t in SPECIALS)


@dataclass
class Batch:
    src: torch.Tensor
    src_len: torch.Tensor
    dec_in: torch.Tensor
    target: torch.Tensor


class Collator:
    def __init__(self, src_vocab, tgt_vocab):
        self.sv, self.tv = src_vocab, tgt_vocab

    def encode(self, vocab, sent):
        return [vocab[w] for w in sent.split()]

    def __call__(self, pairs):
        srcs = [self.encode(self.sv, s) + [EOS] for s, _ in pairs]
        tgts = [[BOS] + self.encode(self.tv, t) + [EOS] for _, t in pairs]
        S, T = max(map(len, srcs)), max(map(len, tgts))
        src = torch.tensor([x + [PAD] * (S - len(x)) for x in srcs])
        tgt = torch.tensor([y + [PAD] * (T - len(y)) for y in tgts])
        return Batch(src, torch.tensor([len(x) for x in srcs]), tgt[:, :-1], tgt[:, 1:])


def batches(pairs, size, collate, shuffle=True):
    idx = list(range(len(pairs)))
    if shuffle:
        random.shuffle(idx)
    for i in range(0, len(idx), size):
        yield collate([pairs[j] for j in idx[i:i + size]])


class Encoder(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, hp.emb, padding_idx=PAD)
        self.rnn = nn.GRU(hp.emb, hp.hid, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(2 * hp.hid, hp.hid)

    def forward(self, src, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(self.emb(src), lengths, batch_first=True, enforce_sorted=False)
        out, h = self.rnn(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=src.size(1))
        return out, torch.tanh(self.bridge(torch.cat([h[0], h[1]], dim=-1)))


class AttnDecoder(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, hp.emb, padding_idx=PAD)
        self.W_q = nn.Linear(hp.hid, hp.hid, bias=False)
        self.W_k = nn.Linear(2 * hp.hid, hp.hid, bias=False)
        self.v = nn.Linear(hp.hid, 1, bias=False)
        self.cell = nn.GRUCell(hp.emb + 2 * hp.hid, hp.hid)
        self.out = nn.Linear(hp.hid + 2 * hp.hid, vocab_size)

    def step(self, tok, h, enc_out, src_mask):
        scores = self.v(torch.tanh(self.W_q(h).unsqueeze(1) + self.W_k(enc_out))).squeeze(-1)
        attn = F.softmax(scores.masked_fill(~src_mask, float("-inf")), dim=-1)
        ctx = torch.bmm(attn.unsqueeze(1), enc_out).squeeze(1)
        h = self.cell(torch.cat([self.emb(tok), ctx], dim=-1), h)
        return self.out(torch.cat([h, ctx], dim=-1)), h


class Seq2Seq(nn.Module):
    def __init__(self, n_src, n_tgt):
        super().__init__()
        self.enc, self.dec = Encoder(n_src), AttnDecoder(n_tgt)

    def forward(self, b: Batch):
        enc_out, h = self.enc(b.src, b.src_len)
        mask = b.src.ne(PAD)
        logits = []
        for t in range(b.dec_in.size(1)):
            step_logits, h = self.dec.step(b.dec_in[:, t], h, enc_out, mask)
            logits.append(step_logits)
        return torch.stack(logits, dim=1)

    @torch.no_grad()
    def greedy(self, src, src_len):
        enc_out, h = self.enc(src, src_len)
        mask = src.ne(PAD)
        tok = torch.full((src.size(0),), BOS, dtype=torch.long)
        out = []
        for _ in range(hp.max_decode):
            logits, h = self.dec.step(tok, h, enc_out, mask)
            tok = logits.argmax(-1)
            out.append(tok)
        return torch.stack(out, dim=1)


model = Seq2Seq(len(src_stoi), len(tgt_stoi))
print(f"src vocab {len(src_stoi)} | tgt vocab {len(tgt_stoi)}")
optim = torch.optim.Adam(model.parameters(), lr=hp.lr)
collate = Collator(src_stoi, tgt_stoi)

for epoch in range(hp.epochs):
    model.train()
    running = []
    for b in batches(train_pairs, hp.batch, collate):
        logits = model(b)
        loss = F.cross_entropy(logits.flatten(0, 1), b.target.flatten(), ignore_index=PAD)
        optim.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), hp.clip)
        optim.step()
        running.append(loss.item())

    model.eval()
    val_losses = []
    with torch.no_grad():
        for b in batches(valid_pairs, hp.batch, collate, shuffle=False):
            logits = model(b)
            val_losses.append(F.cross_entropy(logits.flatten(0, 1), b.target.flatten(), ignore_index=PAD).item())
    print(f"epoch {epoch}: train {sum(running) / len(running):.3f} valid {sum(val_losses) / len(val_losses):.3f}")

itos = {i: w for w, i in tgt_stoi.items()}
b = next(batches(valid_pairs, 4, collate, shuffle=False))
hyp = model.greedy(b.src, b.src_len)
for row in hyp.tolist():
    words = [itos[i] for i in row]
    print(" ".join(words[: words.index("<eos>")] if "<eos>" in words else words))
