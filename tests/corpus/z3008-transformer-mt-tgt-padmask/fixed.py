import math
import random
from types import SimpleNamespace

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

cfg = SimpleNamespace(
    d_model=64,
    nhead=4,
    enc_layers=2,
    dec_layers=2,
    ff_dim=128,
    dropout=0.1,
    batch_size=8,
    epochs=2,
    lr=3e-4,
    max_len=40,
    seed=13,
)

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ["<pad>", "<s>", "</s>", "<unk>"]

random.seed(cfg.seed)
torch.manual_seed(cfg.seed)

SRC_WORDS = "der die das haus katze hund sieht groß klein rot blau läuft schnell langsam im garten".split()
TGT_WORDS = "the house cat dog sees big small red blue runs fast slowly in garden".split()


def make_pairs(n):
    pairs = []
    for _ in range(n):
        k = random.randint(3, 12)
        src = " ".join(random.choice(SRC_WORDS) for _ in range(k))
        tgt = " ".join(random.choice(TGT_WORDS) for _ in range(k + random.randint(-2, 2)))
        pairs.append((src, tgt))
    return pairs


class Vocab:
    def __init__(self, sentences):
        self.itos = list(SPECIALS)
        for s in sentences:
            for w in s.split():
                if w not in self.itos:
                    self.itos.append(w)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def __len__(self):
        return len(self.itos)

    def encode(self, sent):
        return [BOS] + [self.stoi.get(w, UNK) for w in sent.split()] + [EOS]


class PairDataset(Dataset):
    def __init__(self, pairs, src_vocab, tgt_vocab):
        self.items = [(src_vocab.encode(s), tgt_vocab.encode(t)) for s, t in pairs]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class Seq2SeqCollator:
    def __init__(self, pad_id, max_len):
        self.pad_id = pad_id
        self.max_len = max_len

    def _pad(self, seqs):
        seqs = [s[: self.max_len] for s in seqs]
        width = max(len(s) for s in seqs)
        return torch.tensor([s + [self.pad_id] * (width - len(s)) for s in seqs])

    def __call__(self, batch):
        src = self._pad([b[0] for b in batch])
        tgt = self._pad([b[1] for b in batch])
        return {
            "src": src,
            "src_pad_mask": src.eq(self.pad_id),
            "dec_in": tgt[:, :-1],
            "labels": tgt[:, 1:],
            "tgt_pad_mask": tgt[:, :-1].eq(self.pad_id),
        }


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=512):
        super().__init__()
        pe = torch.zeros(max_len, d_model)
        pos = torch.arange(max_len).unsqueeze(1)
        div = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe.unsqueeze(0))

    def forward(self, x):
        return x + self.pe[:, : x.size(1)]


class TranslationModel(nn.Module):
    def __init__(self, src_vocab_size, tgt_vocab_size, c):
        super().__init__()
        self.src_emb = nn.Embedding(src_vocab_size, c.d_model, padding_idx=PAD)
        self.tgt_emb = nn.Embedding(tgt_vocab_size, c.d_model, padding_idx=PAD)
        self.pos = PositionalEncoding(c.d_model)
        self.transformer = nn.Transformer(
            d_model=c.d_model,
            nhead=c.nhead,
            num_encoder_layers=c.enc_layers,
            num_decoder_layers=c.dec_layers,
            dim_feedforward=c.ff_dim,
            dropout=c.dropout,
            batch_first=True,
        )
        self.proj = nn.Linear(c.d_model, tgt_vocab_size)
        self.scale = math.sqrt(c.d_model)

    def forward(self, src, dec_in, src_pad_mask, tgt_pad_mask):
        causal = torch.triu(torch.ones(dec_in.size(1), dec_in.size(1), dtype=torch.bool), diagonal=1)
        h = self.transformer(
            self.pos(self.src_emb(src) * self.scale),
            self.pos(self.tgt_emb(dec_in) * self.scale),
            tgt_mask=causal,
            src_key_padding_mask=src_pad_mask,
            tgt_key_padding_mask=tgt_pad_mask,
            memory_key_padding_mask=src_pad_mask,
        )
        return self.proj(h)


def train():
    train_pairs = make_pairs(200)
    src_vocab = Vocab(s for s, _ in train_pairs)
    tgt_vocab = Vocab(t for _, t in train_pairs)
    ds = PairDataset(train_pairs, src_vocab, tgt_vocab)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=Seq2SeqCollator(PAD, cfg.max_len))

    model = TranslationModel(len(src_vocab), len(tgt_vocab), cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD, label_smoothing=0.1)

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for step, batch in enumerate(loader):
            logits = model(batch["src"], batch["dec_in"], batch["src_pad_mask"], batch["tgt_pad_mask"])
            loss = loss_fn(logits.reshape(-1, logits.size(-1)), batch["labels"].reshape(-1))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / (step + 1):.3f}")

    model.eval()
    src, _ = ds[0]
    src_t = torch.tensor([src])
    out = [BOS]
    with torch.no_grad():
        for _ in range(cfg.max_len):
            dec = torch.tensor([out])
            logits = model(src_t, dec, src_t.eq(PAD), dec.eq(PAD))
            nxt = logits[0, -1].argmax().item()
            out.append(nxt)
            if nxt == EOS:
                break
    print("greedy:", " ".join(tgt_vocab.itos[i] for i in out[1:] if i != EOS))


if __name__ == "__main__":
    train()
