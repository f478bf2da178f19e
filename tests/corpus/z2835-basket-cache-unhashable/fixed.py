"""Basket completion: masked-item modelling over store baskets.

Each basket (all SKUs on one receipt) is treated as a sentence of item tokens.
One item per basket is masked and a tiny BertForMaskedLM learns to recover it.
"""
import argparse
import functools
import os
import random
from collections import OrderedDict
from typing import Dict, List, Protocol, Tuple

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
_TOKENIZER = None


# ~~~ utils ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
def to_tensor(rows, dtype=torch.long):
    return torch.tensor(np.array(rows), dtype=dtype)


def pad_to(ids, length, value):
    ids = list(ids)[:length]
    return ids + [value] * (length - len(ids))


def batched(xs, size):
    return [xs[k:k + size] for k in range(0, len(xs), size)]


# ~~~ data ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
def synth_receipts(n_receipts: int, n_skus: int, seed: int) -> List[Tuple[str, str]]:
    rnd = random.Random(seed)
    lines = []
    for r in range(n_receipts):
        aisle = rnd.randrange(4)
        for _ in range(rnd.randint(2, 7)):
            sku = aisle * (n_skus // 4) + rnd.randrange(n_skus // 4)
            lines.append((f"r{r:05d}", f"sku{sku:04d}"))
    return lines


def group_baskets(lines: List[Tuple[str, str]]) -> List[List[str]]:
    baskets: Dict[str, List[str]] = OrderedDict()
    for receipt, sku in lines:
        baskets.setdefault(receipt, []).append(sku)
    return [b for b in baskets.values() if len(b) >= 2]


def build_item_vocab(baskets, min_count: int) -> List[str]:
    counts: Dict[str, int] = {}
    for b in baskets:
        for sku in b:
            counts[sku] = counts.get(sku, 0) + 1
    return sorted(s for s, c in counts.items() if c >= min_count)


@functools.lru_cache(maxsize=8192)
def encode_basket(skus: Tuple[str, ...]) -> Tuple[int, ...]:
    return tuple(_TOKENIZER.convert_tokens_to_ids(["[CLS]", *skus, "[SEP]"]))


def make_collate(max_len: int, mask_id: int, pad_id: int, seed: int):
    rnd = random.Random(seed)

    def collate(baskets: List[List[str]]) -> Dict[str, torch.Tensor]:
        input_ids, labels = [], []
        for basket in baskets:
            ids = list(encode_basket(tuple(basket)))[:max_len]
            pos = rnd.randrange(1, len(ids) - 1)
            lab = [-100] * len(ids)
            lab[pos], ids[pos] = ids[pos], mask_id
            input_ids.append(pad_to(ids, max_len, pad_id))
            labels.append(pad_to(lab, max_len, -100))
        ids_t = to_tensor(input_ids)
        return {"input_ids": ids_t, "attention_mask": (ids_t != pad_id).long(),
                "labels": to_tensor(labels)}

    return collate


# ~~~ model ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
class BasketModel(Protocol):
    def __call__(self, input_ids, attention_mask, labels): ...


def main(argv: List[str]) -> None:
    global _TOKENIZER
    ap = argparse.ArgumentParser()
    ap.add_argument("--receipts", type=int, default=600)
    ap.add_argument("--skus", type=int, default=80)
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--max-len", type=int, default=10)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args(argv)
    torch.manual_seed(args.seed)

    baskets = group_baskets(synth_receipts(args.receipts, args.skus, args.seed))
    items = build_item_vocab(baskets, args.min_count)
    vocab_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "item_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(SPECIALS + items) + "\n")
    _TOKENIZER = BertTokenizer(vocab_path)
    print(f"{len(baskets)} baskets, {len(items)} items in vocab")

    cfg = BertConfig(vocab_size=_TOKENIZER.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=args.max_len + 2)
    model: BasketModel = BertForMaskedLM(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    loader = DataLoader(baskets, batch_size=args.batch_size, shuffle=True,
                        collate_fn=make_collate(args.max_len, _TOKENIZER.mask_token_id,
                                                _TOKENIZER.pad_token_id, args.seed))
    for epoch in range(args.epochs):
        model.train()
        losses = []
        for batch in loader:
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            losses.append(out.loss.item())
        print(f"epoch {epoch}: masked-item loss {np.mean(losses):.3f}")


if __name__ == "__main__":
    main(["--epochs", "2", "--batch-size", "32"])
