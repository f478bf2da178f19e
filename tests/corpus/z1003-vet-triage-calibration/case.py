"""Veterinary ER triage (levels 1-5) from intake notes: small encoder, temperature scaling, reliability table.

Plain PyTorch, word-level vocab, one transformer layer with a [CLS] readout.
"""
import math
import random
from dataclasses import dataclass

import torch
from torch import nn

INTAKE = [
    ("dog hit by car unresponsive pale gums", 1), ("cat open mouth breathing blue tongue", 1),
    ("dog collapsed bloated abdomen retching", 1), ("horse down cannot rise sweating", 1),
    ("cat straining no urine crying", 2), ("dog ate chocolate trembling fast heart", 2),
    ("puppy bloody diarrhoea weak", 2), ("dog seizure stopped still wobbly", 2),
    ("cat limping swollen paw warm", 3), ("dog deep cut on pad bleeding slowly", 3),
    ("rabbit not eating since morning", 3), ("dog vomited twice still bright", 3),
    ("cat sneezing runny eyes eating", 4), ("dog ear scratching head shaking", 4),
    ("dog itchy skin hair loss", 4), ("cat small lump on back", 4),
    ("dog needs vaccine booster", 5), ("cat nail trim overdue", 5),
    ("puppy health check new owner", 5), ("dog repeat prescription refill", 5),
]


@dataclass
class Cfg:
    n_levels: int = 5
    n_bins: int = 10
    dim: int = 32
    epochs: int = 3
    seed: int = 5


class TinyEncoder(nn.Module):
    def __init__(self, vocab_size, dim, n_out, max_len=32):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.out = nn.Linear(dim, n_out)

    def forward(self, ids, pad):
        x = self.tok(ids) + self.pos(torch.arange(ids.size(1)))
        h = self.enc(x, src_key_padding_mask=pad)
        return self.out(h[:, 0])


class Pipeline:
    def __init__(self, cfg):
        self.cfg = cfg
        random.seed(cfg.seed)
        torch.manual_seed(cfg.seed)
        edges = torch.linspace(0.0, 1.0, cfg.n_bins + 1)
        self.mid = (edges[:-1] + edges[1:]) / 2

    def load(self, rows):
        rows = rows[:]
        random.shuffle(rows)
        self.train_rows, self.dev_rows = rows[:14], rows[14:]
        words = sorted({w for t, _ in rows for w in t.split()})
        self.vocab = {w: i for i, w in enumerate(["<pad>", "<cls>"] + words)}
        return self

    def _batch(self, rows):
        seqs = [[1] + [self.vocab[w] for w in t.split()] for t, _ in rows]
        width = max(map(len, seqs))
        ids = torch.tensor([s + [0] * (width - len(s)) for s in seqs])
        y = torch.tensor([lvl - 1 for _, lvl in rows])
        return ids, ids.eq(0), y

    def train(self):
        self.net = TinyEncoder(len(self.vocab), self.cfg.dim, self.cfg.n_levels)
        opt = torch.optim.AdamW(self.net.parameters(), lr=3e-3)
        ids, pad, y = self._batch(self.train_rows)
        for ep in range(self.cfg.epochs):
            loss = nn.functional.cross_entropy(self.net(ids, pad), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if ep % 10 == 0:
                print(f"epoch {ep:2d} loss {loss.item():.4f}")
        return self

    def calibrate(self):
        self.net.eval()
        ids, pad, self.dev_y = self._batch(self.dev_rows)
        with torch.no_grad():
            self.dev_logits = self.net(ids, pad)
        log_t = torch.zeros(1, requires_grad=True)
        opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=5)

        def closure():
            opt.zero_grad()
            nll = nn.functional.cross_entropy(self.dev_logits / log_t.exp(), self.dev_y)
            nll.backward()
            return nll

        opt.step(closure)
        self.temperature = log_t.exp().item()
        print(f"fitted temperature {self.temperature:.3f}")
        return self

    def reliability(self):
        probs = torch.softmax(self.dev_logits / self.temperature, dim=-1)
        conf, pred = probs.max(dim=-1)
        hit = pred.eq(self.dev_y)
        k = probs.shape[-1]
        counts = torch.histc(conf, bins=k, min=0.0, max=1.0)
        hits = torch.histc(conf[hit], bins=k, min=0.0, max=1.0)
        self.bin_acc = hits / counts.clamp_min(1)
        self.bin_w = counts / counts.sum()
        self.ece = (self.bin_w * (self.bin_acc - self.mid).abs()).sum().item()
        print(f"dev acc {hit.float().mean().item():.3f}  ECE {self.ece:.4f}")
        return self

    def table(self):
        for m, a, w in zip(self.mid.tolist(), self.bin_acc.tolist(), self.bin_w.tolist()):
            if w > 0:
                print(f"  bin@{m:.2f}  acc={a:.2f}  share={w:.2f}")
        assert not math.isnan(self.ece)
        return self


if __name__ == "__main__":
    Pipeline(Cfg()).load(INTAKE).train().calibrate().reliability().table()
