"""Masked character-level pretraining on SMILES strings.

A tiny transformer encoder learns to recover masked atoms/bonds in SMILES,
as a warm-up before fine-tuning on a solubility regression task.
"""
import random
from collections import Counter
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class PretrainConfig:
    d_model: int = 48
    n_heads: int = 4
    n_layers: int = 2
    max_len: int = 40
    batch_size: int = 16
    mask_prob: float = 0.15
    steps: int = 3
    lr: float = 1e-3
    seed: int = 11


FRAGMENTS = ["C", "CC", "O", "N", "c1ccccc1", "C(=O)", "Cl", "Br", "F", "C#N", "S", "[nH]", "OC", "N(C)C"]


def random_smiles(rng):
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(3, 8)))


class CharVocab:
    def __init__(self, corpus, min_count=1):
        counts = Counter(ch for s in corpus for ch in s)
        self.itos = ["<pad>", "<unk>"] + sorted(c for c, n in counts.items() if n >= min_count)
        self.stoi = {c: i for i, c in enumerate(self.itos)}

    def add_special(self, tok):
        if tok not in self.stoi:
            self.stoi[tok] = len(self.itos)
            self.itos.append(tok)
        return self.stoi[tok]

    def encode(self, s, max_len):
        ids = [self.stoi.get(ch, 1) for ch in s[:max_len]]
        return ids + [0] * (max_len - len(ids))

    def __len__(self):
        return len(self.itos)


class SmilesEncoder(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, cfg.d_model, padding_idx=0)
        self.pos = nn.Embedding(cfg.max_len, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, 2 * cfg.d_model, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers)
        self.lm_head = nn.Linear(cfg.d_model, vocab_size)

    def forward(self, ids):
        pos = torch.arange(ids.size(1), device=ids.device)
        h = self.tok(ids) + self.pos(pos)[None]
        h = self.encoder(h, src_key_padding_mask=ids.eq(0))
        return self.lm_head(h)


def mask_tokens(ids, mask_id, prob, gen):
    labels = ids.clone()
    candidates = ids.ne(0)
    chosen = (torch.rand(ids.shape, generator=gen) < prob) & candidates
    labels[~chosen] = -100
    corrupted = ids.clone()
    corrupted[chosen] = mask_id
    return corrupted, labels


def main(cfg: PretrainConfig):
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    gen = torch.Generator().manual_seed(cfg.seed)

    train_smiles = [random_smiles(rng) for _ in range(400)]
    valid_smiles = [random_smiles(rng) for _ in range(80)]

    vocab = CharVocab(train_smiles)
    model = SmilesEncoder(len(vocab), cfg)
    mask_id = vocab.add_special("<mask>")
    print(f"vocab: {len(vocab)} symbols, mask id {mask_id}")

    train_ids = torch.tensor([vocab.encode(s, cfg.max_len) for s in train_smiles])
    valid_ids = torch.tensor([vocab.encode(s, cfg.max_len) for s in valid_smiles])
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for step in range(cfg.steps):
        idx = torch.randint(0, len(train_ids), (cfg.batch_size,), generator=gen)
        inputs, labels = mask_tokens(train_ids[idx], mask_id, cfg.mask_prob, gen)
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), labels.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:3d}  mlm loss {loss.item():.3f}")

    model.eval()
    with torch.no_grad():
        inputs, labels = mask_tokens(valid_ids, mask_id, cfg.mask_prob, gen)
        preds = model(inputs).argmax(-1)
        hit = (preds == labels)[labels != -100].float().mean()
    print(f"valid masked-char accuracy: {hit.item():.2%}")


if __name__ == "__main__":
    main(PretrainConfig())
