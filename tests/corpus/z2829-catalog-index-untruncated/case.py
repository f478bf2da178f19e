"""Query -> product retrieval: shared tiny BERT two-tower trained on search logs.

Trains on (query, clicked title) pairs, then embeds the full catalog
(title + description) into an index for nearest-neighbour lookup.
"""
import argparse
import functools
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Protocol, Sequence

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

HERE = Path(__file__).resolve().parent

BRANDS = ["acme", "northfarm", "bluecrest", "greenvale", "homeline", "sunpeak"]
NOUNS = ["milk", "yogurt", "cereal", "coffee", "shampoo", "detergent", "pasta", "rice", "juice", "soap"]
ADJS = ["organic", "low", "fat", "whole", "family", "size", "fresh", "classic", "extra", "mild"]
FILLER = ["with", "natural", "ingredients", "and", "no", "added", "sugar", "for", "every", "day",
          "pack", "of", "bottle", "value", "recyclable", "made", "in", "the", "local", "region"]


# --------------------------------------------------------------------- utils
def to_tensor(x, dtype=torch.long) -> torch.Tensor:
    return x if torch.is_tensor(x) else torch.tensor(x, dtype=dtype)


def pad_to(ids: List[int], n: int, pad_id: int = 0) -> List[int]:
    return (ids + [pad_id] * n)[:n]


def batched(seq: Sequence, size: int) -> Iterator[Sequence]:
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def write_vocab(path: Path) -> Path:
    words = sorted(set(BRANDS + NOUNS + ADJS + FILLER))
    path.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


# ---------------------------------------------------------------------- data
@dataclass
class Product:
    sku: str
    title: str
    description: str


@dataclass
class SearchLog:
    products: Dict[str, Product] = field(default_factory=dict)
    clicks: List[tuple] = field(default_factory=list)


def synth_search_log(n_products: int, n_clicks: int, seed: int) -> SearchLog:
    rng = random.Random(seed)
    log = SearchLog()
    for i in range(n_products):
        title = " ".join([rng.choice(BRANDS), rng.choice(ADJS), rng.choice(NOUNS)])
        desc = " ".join(rng.choice(FILLER + ADJS) for _ in range(rng.randint(40, 110)))
        log.products[f"P{i:04d}"] = Product(f"P{i:04d}", title, desc)
    skus = list(log.products)
    for _ in range(n_clicks):
        sku = rng.choice(skus)
        words = log.products[sku].title.split()
        query = " ".join(rng.sample(words, k=rng.randint(1, len(words))))
        log.clicks.append((query, sku))
    return log


# --------------------------------------------------------------------- model
class Encoder(Protocol):
    def __call__(self, **enc) -> torch.Tensor: ...


class TowerEncoder(torch.nn.Module):
    def __init__(self, cfg: BertConfig, out_dim: int = 32):
        super().__init__()
        self.bert = BertModel(cfg)
        self.proj = torch.nn.Linear(cfg.hidden_size, out_dim)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                      token_type_ids=token_type_ids).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return F.normalize(self.proj(pooled), dim=-1)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-len", type=int, default=64)
    ap.add_argument("--products", type=int, default=40)
    ap.add_argument("--clicks", type=int, default=256)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--temperature", type=float, default=0.05)
    args = ap.parse_args(argv)
    torch.manual_seed(0)

    tokenizer = BertTokenizer(str(write_vocab(HERE / "retail_vocab.txt")))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=args.max_len)
    log = synth_search_log(args.products, args.clicks, seed=11)

    @functools.lru_cache(maxsize=None)
    def title_of(sku: str) -> str:
        return log.products[sku].title

    @functools.lru_cache(maxsize=None)
    def listing_text(sku: str) -> str:
        p = log.products[sku]
        return f"{p.title} {p.description}"

    def encode(texts):
        return tokenizer(list(texts), padding=True, truncation=True,
                         max_length=args.max_len, return_tensors="pt")

    model: Encoder = TowerEncoder(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    for epoch in range(args.epochs):
        random.Random(epoch).shuffle(log.clicks)
        for chunk in batched(log.clicks, args.batch_size):
            queries, skus = zip(*chunk)
            q = model(**encode(queries))
            d = model(**encode(title_of(s) for s in skus))
            logits = q @ d.T / args.temperature
            loss = F.cross_entropy(logits, torch.arange(len(chunk)))
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: in-batch softmax loss {loss.item():.4f}")

    model.eval()
    catalog = sorted(log.products)
    index = []
    with torch.no_grad():
        for chunk in batched(catalog, 16):
            enc = tokenizer([listing_text(s) for s in chunk], padding=True, return_tensors="pt")
            index.append(model(**enc))
    index = torch.cat(index)
    probe = model(**encode(["organic milk", "bluecrest shampoo"]))
    top = (probe @ index.T).topk(3, dim=-1).indices
    for row in top.tolist():
        print([title_of(catalog[i]) for i in row])


if __name__ == "__main__":
    main(["--max-len", "64", "--products", "40", "--clicks", "256", "--epochs", "2"])
