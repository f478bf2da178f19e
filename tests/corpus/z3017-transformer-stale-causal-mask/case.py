import math
import random
from dataclasses import dataclass
from types import SimpleNamespace

import torch
import torch.nn as nn
import torch.nn.functional as F

cfg = SimpleNamespace(
    seed=7,
    num_train=320,
    batch_size=32,
    max_src_len=18,
    max_tgt_len=20,
    d_model=64,
    nhead=4,
    layers=2,
    ff=128,
    dropout=0.1,
    lr=5e-4,
    epochs=3,
)

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ["<pad>", "<s>", "</s>", "<unk>"]

random.seed(cfg.seed)
torch.manual_seed(cfg.seed)


def synthetic_corpus(n):
    letters = "abcdefghijklmnop"
    for _ in range(n):
        k = random.randint(4, cfg.max_src_len - 2)
        src = [random.choice(letters) for _ in range(k)]
        tgt = [c.upper() for c in reversed(src)]
        yield src, tgt


class Vocab:
    def __init__(self, tokens):
        self.itos = SPECIALS + sorted(set(tokens))
        self.stoi = {t: i for i, t in enumerate(self.itos)}

    def encode(self, toks):
        return [self.stoi.get(t, UNK) for t in toks]

    def decode(self, ids):
        return [self.itos[i] for i in ids if i not in (PAD, BOS, EOS)]

    def __len__(self):
        return len(self.itos)


@dataclass
class Batch:
    src: torch.Tensor
    tgt: torch.Tensor

    @property
    def src_pad_mask(self):
        return self.src == PAD

    @property
    def tgt_in(self):
        return self.tgt[:, :-1]

    @property
    def tgt_out(self):
        return self.tgt[:, 1:]


class PadCollator:
    def __init__(self, src_vocab, tgt_vocab, src_len, tgt_len):
        self.sv, self.tv = src_vocab, tgt_vocab
        self.src_len, self.tgt_len = src_len, tgt_len

    def _pad(self, ids, length):
        ids = ids[:length]
        return ids + [PAD] * (length - len(ids))

    def __call__(self, pairs):
        src = [self._pad(self.sv.encode(s) + [EOS], self.src_len) for s, _ in pairs]
        tgt = [self._pad([BOS] + self.tv.encode(t) + [EOS], self.tgt_len) for _, t in pairs]
        return Batch(torch.tensor(src), torch.tensor(tgt))


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=256):
        super().__init__()
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe)

    def forward(self, x):
        return x + self.pe[: x.size(1)]


class Seq2SeqTransformer(nn.Module):
    def __init__(self, src_vocab_size, tgt_vocab_size):
        super().__init__()
        self.src_emb = nn.Embedding(src_vocab_size, cfg.d_model, padding_idx=PAD)
        self.tgt_emb = nn.Embedding(tgt_vocab_size, cfg.d_model, padding_idx=PAD)
        self.pos = PositionalEncoding(cfg.d_model)
        self.transformer = nn.Transformer(
            d_model=cfg.d_model, nhead=cfg.nhead,
            num_encoder_layers=cfg.layers, num_decoder_layers=cfg.layers,
            dim_feedforward=cfg.ff, dropout=cfg.dropout, batch_first=True,
        )
        self.generator = nn.Linear(cfg.d_model, tgt_vocab_size)
        self.register_buffer(
            "causal_mask", nn.Transformer.generate_square_subsequent_mask(cfg.max_tgt_len)
        )

    def forward(self, batch):
        scale = math.sqrt(cfg.d_model)
        src = self.pos(self.src_emb(batch.src) * scale)
        tgt = self.pos(self.tgt_emb(batch.tgt_in) * scale)
        h = self.transformer(
            src, tgt,
            tgt_mask=self.causal_mask,
            src_key_padding_mask=batch.src_pad_mask,
            tgt_key_padding_mask=batch.tgt_in == PAD,
            memory_key_padding_mask=batch.src_pad_mask,
        )
        return self.generator(h)

    @torch.no_grad()
    def greedy(self, src, max_len):
        scale = math.sqrt(cfg.d_model)
        memory = self.transformer.encoder(self.pos(self.src_emb(src) * scale),
                                          src_key_padding_mask=src == PAD)
        ys = torch.full((src.size(0), 1), BOS, dtype=torch.long)
        for _ in range(max_len - 1):
            mask = nn.Transformer.generate_square_subsequent_mask(ys.size(1))
            out = self.transformer.decoder(self.pos(self.tgt_emb(ys) * scale), memory,
                                           tgt_mask=mask, memory_key_padding_mask=src == PAD)
            nxt = self.generator(out[:, -1]).argmax(-1, keepdim=True)
            ys = torch.cat([ys, nxt], dim=1)
            if (nxt == EOS).all():
                break
        return ys


def batches(data, collate, bs, shuffle=True):
    order = list(range(len(data)))
    if shuffle:
        random.shuffle(order)
    for i in range(0, len(order), bs):
        yield collate([data[j] for j in order[i:i + bs]])


def main():
    data = list(synthetic_corpus(cfg.num_train))
    src_vocab = Vocab(w for s, _ in data for w in s)
    tgt_vocab = Vocab(w for _, t in data for w in t)
    collate = PadCollator(src_vocab, tgt_vocab, cfg.max_src_len, cfg.max_tgt_len)

    model = Seq2SeqTransformer(len(src_vocab), len(tgt_vocab))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, betas=(0.9, 0.98))

    for epoch in range(1, cfg.epochs + 1):
        model.train()
        losses = []
        for batch in batches(data, collate, cfg.batch_size):
            logits = model(batch)
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)),
                                   batch.tgt_out.reshape(-1), ignore_index=PAD)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: loss={sum(losses) / len(losses):.3f}")

    model.eval()
    sample = collate(data[:4])
    hyps = model.greedy(sample.src, cfg.max_tgt_len)
    for s, h in zip(data[:4], hyps.tolist()):
        print("".join(s[0]), "->", "".join(tgt_vocab.decode(h)))


if __name__ == "__main__":
    main()
