"""Patent claim -> CPC section classifier (ablation script for the pooling study, sec. 4.2)."""
import argparse
import logging
import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

# ----------------------------------------------------------------------------- utils
logging.basicConfig(level=logging.INFO, format="%(asctime)s | %(message)s")
log = logging.getLogger("cpc")


def seed_everything(seed):
    random.seed(seed)
    torch.manual_seed(seed)


def masked_mean(h, m):
    # h: (b, s, d), m: (b, s)
    m = m.to(h.dtype)
    return torch.einsum("bsd,bs->bd", h, m) / m.sum(-1, keepdim=True).clamp(min=1.0)


def attn_pool(h, m, q):
    # single learned query attending over the token states
    scores = torch.einsum("bsd,d->bs", h, q) / h.size(-1) ** 0.5
    scores = scores.masked_fill(m == 0, float("-inf"))
    return torch.einsum("bs,bsd->bd", scores.softmax(-1), h)


def build_vocab(texts, path):
    words = sorted({w for t in texts for w in t.lower().replace(",", " ").replace(";", " ").split()})
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return len(words) + 5


# ----------------------------------------------------------------------------- data
CLAIMS = [
    ("a pharmaceutical composition comprising a kinase inhibitor and a carrier", 0),
    ("a method of stamping sheet metal using a hydraulic press", 1),
    ("a polymer blend comprising polyethylene and a compatibiliser", 2),
    ("a woven textile comprising aramid fibres", 3),
    ("a bridge deck comprising prefabricated concrete segments", 4),
    ("a diagnostic kit comprising an antibody that binds a tumour marker", 0),
    ("a conveyor apparatus for transporting bottles in a filling line", 1),
    ("a process for the catalytic cracking of heavy hydrocarbons", 2),
]
SECTIONS = ["A-human", "B-operations", "C-chemistry", "D-textiles", "E-construction"]


class ClaimClassifier(nn.Module):
    def __init__(self, config, n_cls, pooling="cls", dropout=0.1):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.pooling = pooling
        self.query = nn.Parameter(torch.randn(config.hidden_size) * 0.02)
        self.head = nn.Sequential(nn.Dropout(dropout), nn.Linear(config.hidden_size, n_cls))

    def pool(self, h, m):
        if self.pooling == "cls":
            return h[:, 0]
        if self.pooling == "mean":
            return masked_mean(h, m)
        if self.pooling == "attn":
            return attn_pool(h, m, self.query)
        if self.pooling == "cls_mean":
            return torch.cat([h[:, 0], masked_mean(h, m)], dim=-1)
        raise ValueError(self.pooling)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                         token_type_ids=token_type_ids).last_hidden_state
        return self.head(self.pool(h, attention_mask))


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--hidden_size", type=int, default=32)
    p.add_argument("--num_layers", type=int, default=1)
    p.add_argument("--num_heads", type=int, default=2)
    p.add_argument("--ffn_dim", type=int, default=64)
    p.add_argument("--max_len", type=int, default=32)
    p.add_argument("--pooling", choices=["cls", "mean", "attn", "cls_mean"], default="cls_mean")
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--label_smoothing", type=float, default=0.05)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--weight_decay", type=float, default=0.01)
    p.add_argument("--batch_size", type=int, default=4)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--seed", type=int, default=13)
    return p.parse_args()


def main():
    args = get_args()
    seed_everything(args.seed)
    workdir = tempfile.mkdtemp(prefix="cpc_")
    vocab_path = os.path.join(workdir, "vocab.txt")
    vocab_size = build_vocab([c for c, _ in CLAIMS], vocab_path)
    tok = BertTokenizer(vocab_path)

    config = BertConfig(vocab_size=vocab_size, hidden_size=args.hidden_size,
                        num_hidden_layers=args.num_layers, num_attention_heads=args.num_heads,
                        intermediate_size=args.ffn_dim, max_position_embeddings=64)
    model = ClaimClassifier(config, len(SECTIONS), pooling=args.pooling, dropout=args.dropout)
    log.info("pooling=%s params=%d", args.pooling, sum(p.numel() for p in model.parameters()))

    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    for epoch in range(args.epochs):
        random.shuffle(CLAIMS)
        total = 0.0
        for i in range(0, len(CLAIMS), args.batch_size):
            chunk = CLAIMS[i:i + args.batch_size]
            enc = tok([c for c, _ in chunk], padding=True, truncation=True,
                      max_length=args.max_len, return_tensors="pt")
            gold = torch.tensor([y for _, y in chunk])
            logits = model(**enc)
            loss = F.cross_entropy(logits, gold, label_smoothing=args.label_smoothing)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(chunk)
        log.info("epoch %d  loss %.4f", epoch, total / len(CLAIMS))


if __name__ == "__main__":
    main()
