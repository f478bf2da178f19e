import math
import random
from types import SimpleNamespace

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

random.seed(0)
torch.manual_seed(0)

SRC_WORDS = ["der", "die", "das", "hund", "katze", "haus", "sieht", "hat", "ein", "groß", "klein", "rot", "blau"]
TGT_WORDS = ["the", "dog", "cat", "house", "sees", "has", "a", "big", "small", "red", "blue", "is"]
LEXICON = dict(zip(SRC_WORDS, ["the", "the", "the", "dog", "cat", "house", "sees", "has", "a", "big", "small", "red", "blue"]))

cfg = SimpleNamespace(
    src_vocab=len(SRC_WORDS) + 4,
    tgt_vocab=len(TGT_WORDS) + 4,
    d_model=32,
    nhead=4,
    layers=2,
    ffn=64,
    dropout=0.1,
    batch_size=8,
    epochs=2,
    lr=3e-4,
    max_len=12,
)

SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]
PAD, BOS, EOS, UNK = range(4)


class Vocab:
    def __init__(self, words):
        self.itos = SPECIALS + list(words)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, sent):
        return [self.stoi.get(w, UNK) for w in sent.split()]

    def decode(self, ids):
        return " ".join(self.itos[i] for i in ids if i not in (PAD, BOS, EOS))


src_vocab = Vocab(SRC_WORDS)
tgt_vocab = Vocab(TGT_WORDS)


def make_pairs(n):
    pairs = []
    for _ in range(n):
        k = random.randint(3, 7)
        src = [random.choice(SRC_WORDS) for _ in range(k)]
        tgt = [LEXICON[w] for w in src]
        pairs.append((" ".join(src), " ".join(tgt)))
    return pairs


class PairDataset(Dataset):
    def __init__(self, pairs):
        self.pairs = pairs

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        s, t = self.pairs[i]
        return src_vocab.encode(s), tgt_vocab.encode(t)


class Seq2SeqCollator:
    def __init__(self, pad_id, bos_id, eos_id, max_len):
        self.pad_id, self.bos_id, self.eos_id, self.max_len = pad_id, bos_id, eos_id, max_len

    def _pad(self, seqs):
        width = max(len(s) for s in seqs)
        return torch.tensor([s + [self.pad_id] * (width - len(s)) for s in seqs], dtype=torch.long)

    def __call__(self, batch):
        srcs = [s[: self.max_len] + [self.eos_id] for s, _ in batch]
        tgts = [[self.bos_id] + t[: self.max_len] + [self.eos_id] for _, t in batch]
        tgt = self._pad(tgts)
        return {"src": self._pad(srcs), "dec_in": tgt[:, :-1], "labels": tgt[:, 1:]}


class PositionalEncoding(nn.Module):
    def __init__(self, d, max_len=256):
        super().__init__()
        pe = torch.zeros(max_len, d)
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)]


class TranslationModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.src_emb = nn.Embedding(cfg.src_vocab, cfg.d_model, padding_idx=PAD)
        self.tgt_emb = nn.Embedding(len(tgt_vocab.itos), cfg.d_model, padding_idx=PAD)
        self.pos = PositionalEncoding(cfg.d_model)
        self.transformer = nn.Transformer(
            d_model=cfg.d_model, nhead=cfg.nhead, num_encoder_layers=cfg.layers,
            num_decoder_layers=cfg.layers, dim_feedforward=cfg.ffn, dropout=cfg.dropout, batch_first=True,
        )
        self.generator = nn.Linear(cfg.d_model, cfg.tgt_vocab)
        self.scale = math.sqrt(cfg.d_model)

    def encode(self, src):
        return self.transformer.encoder(self.pos(self.src_emb(src) * self.scale), src_key_padding_mask=src.eq(PAD))

    def decode(self, dec_in, memory, src_mask):
        causal = self.transformer.generate_square_subsequent_mask(dec_in.size(1))
        h = self.transformer.decoder(
            self.pos(self.tgt_emb(dec_in) * self.scale), memory, tgt_mask=causal,
            tgt_key_padding_mask=dec_in.eq(PAD), memory_key_padding_mask=src_mask,
        )
        return self.generator(h)

    def forward(self, src, dec_in):
        return self.decode(dec_in, self.encode(src), src.eq(PAD))


@torch.no_grad()
def greedy_decode(model, src, max_len):
    model.eval()
    memory = model.encode(src)
    ys = torch.full((src.size(0), 1), BOS, dtype=torch.long)
    for _ in range(max_len):
        logits = model.decode(ys, memory, src.eq(PAD))
        nxt = logits[:, -1].argmax(-1, keepdim=True)
        ys = torch.cat([ys, nxt], dim=1)
        if (nxt == EOS).all():
            break
    return ys


def train():
    train_pairs = make_pairs(200)
    dev_pairs = make_pairs(16)
    collate = Seq2SeqCollator(PAD, BOS, EOS, cfg.max_len)
    loader = DataLoader(PairDataset(train_pairs), batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    model = TranslationModel(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for step, batch in enumerate(loader):
            logits = model(batch["src"], batch["dec_in"])
            loss = F.cross_entropy(
                logits.reshape(-1, logits.size(-1)), batch["labels"].reshape(-1),
                ignore_index=PAD, label_smoothing=0.1,
            )
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.4f}")

    dev_batch = collate([PairDataset(dev_pairs)[i] for i in range(4)])
    out = greedy_decode(model, dev_batch["src"], cfg.max_len)
    for row in out.tolist():
        print(tgt_vocab.decode(row))


if __name__ == "__main__":
    train()
