"""Basket add-on predictor: which department will the shopper add next?

Encodes the titles already in the basket with a tiny BERT and scores one
binary head per department of the store taxonomy (multi-task, so new
departments can be bolted on without retraining the others).
Baskets come from the POS export (csv).
"""
import argparse
import csv
import io
import random
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterator, List, Protocol, Tuple

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

HERE = Path(__file__).resolve().parent
TAXONOMY = {
    "Dairy.Chilled": ["milk", "butter", "cheese", "yogurt"],
    "Bakery.In Store": ["bread", "bagel", "croissant", "muffin"],
    "Produce.Fresh": ["apple", "banana", "lettuce", "tomato"],
    "Household.Cleaning": ["detergent", "sponge", "towel", "bleach"],
}
MODIFIERS = ["organic", "large", "small", "family", "value", "premium"]


# --------------------------------------------------------------------- utils
def to_tensor(x, dtype=torch.long):
    return torch.as_tensor(x, dtype=dtype)


def pad_to(ids: List[int], n: int, pad_id: int = 0) -> List[int]:
    return ids[:n] + [pad_id] * max(0, n - len(ids))


def batched(it, n: int) -> Iterator[list]:
    chunk = []
    for x in it:
        chunk.append(x)
        if len(chunk) == n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@lru_cache(maxsize=None)
def head_key(department: str) -> str:
    return department.strip().lower().replace(" ", "_")


# ---------------------------------------------------------------------- data
def make_catalog(seed: int) -> Dict[str, Tuple[str, str]]:
    rng = random.Random(seed)
    catalog = {}
    for dept, nouns in TAXONOMY.items():
        for noun in nouns:
            for _ in range(3):
                catalog[f"{rng.randrange(10**7):07d}"] = (f"{rng.choice(MODIFIERS)} {noun}", dept)
    return catalog


def pos_export(catalog, n_baskets: int, seed: int) -> str:
    rng = random.Random(seed)
    skus = sorted(catalog)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["basket_id", "line", "sku"])
    for b in range(n_baskets):
        for line, sku in enumerate(rng.sample(skus, rng.randint(2, 6))):
            w.writerow([f"B{b:05d}", line, sku])
    return buf.getvalue()


def read_baskets(text: str) -> Dict[str, List[str]]:
    baskets = defaultdict(list)
    for row in csv.DictReader(io.StringIO(text)):
        baskets[row["basket_id"]].append(row["sku"])
    return baskets


# --------------------------------------------------------------------- model
class AddOnModel(Protocol):
    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> Dict[str, torch.Tensor]: ...


class DepartmentHeads(nn.Module):
    def __init__(self, cfg: BertConfig, departments: List[str]):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.heads = nn.ModuleDict({head_key(d): nn.Linear(cfg.hidden_size, 1) for d in departments})

    def forward(self, input_ids, attention_mask):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        return {k: head(h).squeeze(-1) for k, head in self.heads.items()}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--baskets", type=int, default=400)
    ap.add_argument("--max-len", type=int, default=32)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=2)
    args = ap.parse_args(argv)
    torch.manual_seed(0)

    catalog = make_catalog(seed=5)
    words = sorted({w for title, _ in catalog.values() for w in title.split()})
    vocab_path = HERE / "pos_vocab.txt"
    vocab_path.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(str(vocab_path))

    @lru_cache(maxsize=4096)
    def basket_context(skus: Tuple[str, ...]) -> Tuple[int, ...]:
        text = " ; ".join(catalog[s][0] for s in skus)
        return tuple(tokenizer.encode(text, truncation=True, max_length=args.max_len))

    def examples(baskets) -> Iterator[Tuple[Tuple[int, ...], str]]:
        for skus in baskets.values():
            *prefix, nxt = skus
            yield basket_context(tuple(prefix)), head_key(catalog[nxt][1])

    def collate(chunk):
        input_ids = to_tensor([pad_to(list(c), args.max_len, tokenizer.pad_token_id) for c, _ in chunk])
        return input_ids, (input_ids != tokenizer.pad_token_id).long(), [k for _, k in chunk]

    baskets = read_baskets(pos_export(catalog, args.baskets, seed=9))
    ids = sorted(baskets)
    cut = int(0.8 * len(ids))
    train = {k: baskets[k] for k in ids[:cut]}
    holdout = {k: baskets[k] for k in ids[cut:]}

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    departments = sorted({dept for _, dept in catalog.values()})
    model: AddOnModel = DepartmentHeads(cfg, departments)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    bce = nn.BCEWithLogitsLoss()
    for epoch in range(args.epochs):
        for chunk in batched(examples(train), args.batch_size):
            x, m, keys = collate(chunk)
            out = model(x, m)
            loss = sum(bce(logit, to_tensor([float(k == name) for k in keys], torch.float32))
                       for name, logit in out.items()) / len(out)
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}  cache {basket_context.cache_info().hits} hits")

    model.eval()
    hits = 0
    with torch.no_grad():
        for x, m, keys in map(collate, batched(examples(holdout), 64)):
            out = model(x, m)
            names = list(out)
            best = torch.stack([out[n] for n in names], dim=-1).argmax(-1).tolist()
            hits += sum(names[b] == k for b, k in zip(best, keys))
    print(f"holdout department accuracy {hits / len(holdout):.3f}")


if __name__ == "__main__":
    main(["--baskets", "400", "--max-len", "32", "--epochs", "2"])
