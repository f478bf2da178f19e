import itertools
import math
import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class KmerConfig:
    k: int = 4
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    ff_dim: int = 128
    max_len: int = 128
    n_classes: int = 2
    dropout: float = 0.1
    init_device: str = "meta"
    device: str = "cpu"
    lr: float = 3e-4
    batch_size: int = 16
    epochs: int = 2


class KmerTokenizer:
    specials = ["[PAD]", "[CLS]", "[UNK]"]

    def __init__(self, k):
        self.k = k
        kmers = ["".join(p) for p in itertools.product("ACGT", repeat=k)]
        self.itos = self.specials + kmers
        self.stoi = {s: i for i, s in enumerate(self.itos)}
        self.pad_id = self.stoi["[PAD]"]
        self.unk_id = self.stoi["[UNK]"]

    def __len__(self):
        return len(self.itos)

    def encode(self, seq, max_len):
        seq = seq.upper()
        ids = [self.stoi.get(seq[i:i + self.k], self.unk_id)
               for i in range(0, len(seq) - self.k + 1)]
        ids = ids[:max_len]
        ids += [self.pad_id] * (max_len - len(ids))
        return ids


def simulate_enhancers(n, length, rng):
    motif = "TGACTCA"  # AP-1 site
    seqs, labels = [], []
    for _ in range(n):
        s = list(rng.choice(list("ACGT"), size=length))
        y = int(rng.random() < 0.5)
        if y:
            for _ in range(rng.integers(1, 4)):
                pos = rng.integers(0, length - len(motif))
                s[pos:pos + len(motif)] = list(motif)
        if rng.random() < 0.02:
            s[rng.integers(0, length)] = "N"
        seqs.append("".join(s))
        labels.append(y)
    return seqs, labels


class EnhancerClassifier(nn.Module):
    def __init__(self, cfg: KmerConfig, vocab_size: int, pad_id: int):
        super().__init__()
        self.cfg = cfg
        self.pad_id = pad_id
        self.tok_emb = nn.Embedding(vocab_size, cfg.d_model, padding_idx=pad_id)
        self.pos_emb = nn.Parameter(torch.zeros(1, cfg.max_len + 1, cfg.d_model))
        self.cls_vec = nn.Parameter(torch.zeros(1, 1, cfg.d_model))
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, cfg.ff_dim,
                                           cfg.dropout, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.n_classes)

    @torch.no_grad()
    def reset_parameters(self):
        for m in self.modules():
            if isinstance(m, nn.MultiheadAttention):
                m._reset_parameters()
            elif isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Embedding):
                nn.init.normal_(m.weight, std=0.02)
                m.weight[self.pad_id].zero_()
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        nn.init.normal_(self.pos_emb, std=0.02)
        nn.init.normal_(self.cls_vec, std=0.02)

    def forward(self, ids):
        b, t = ids.shape
        x = self.tok_emb(ids)
        cls = self.cls_vec.expand(b, -1, -1)
        x = torch.cat([cls, x], dim=1) + self.pos_emb[:, : t + 1]
        pad_mask = torch.cat([torch.zeros(b, 1, dtype=torch.bool, device=ids.device),
                              ids.eq(self.pad_id)], dim=1)
        h = self.encoder(x, src_key_padding_mask=pad_mask)
        return self.head(self.norm(h[:, 0]))


def build_model(cfg, tokenizer):
    with torch.device(cfg.init_device):
        model = EnhancerClassifier(cfg, len(tokenizer), tokenizer.pad_id)
    model.to_empty(device=cfg.device)
    model.reset_parameters()
    return model


def main():
    cfg = KmerConfig()
    torch.manual_seed(0)
    random.seed(0)
    rng = np.random.default_rng(0)

    tok = KmerTokenizer(cfg.k)
    seqs, labels = simulate_enhancers(160, 120, rng)
    ids = torch.tensor([tok.encode(s, cfg.max_len) for s in seqs], dtype=torch.long)
    y = torch.tensor(labels, dtype=torch.long)
    ds = torch.utils.data.TensorDataset(ids, y)
    n_train = int(0.8 * len(ds))
    train_ds, val_ds = torch.utils.data.random_split(ds, [n_train, len(ds) - n_train])
    train_dl = torch.utils.data.DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = torch.utils.data.DataLoader(val_ds, batch_size=64)

    model = build_model(cfg, tok)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    steps = cfg.epochs * len(train_dl)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)))

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for xb, yb in train_dl:
            xb, yb = xb.to(cfg.device), yb.to(cfg.device)
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            running += loss.item() * xb.size(0)

        model.eval()
        correct = 0
        with torch.no_grad():
            for xb, yb in val_dl:
                pred = model(xb.to(cfg.device)).argmax(-1)
                correct += (pred == yb.to(cfg.device)).sum().item()
        print(f"epoch {epoch} loss {running / n_train:.4f} "
              f"val_acc {correct / len(val_ds):.3f}")


if __name__ == "__main__":
    main()
