"""Complete-the-basket recommender: masked-item BERT over grocery baskets."""
import argparse
import os
import random
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Dict, List, Protocol, Sequence, Tuple

import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------- utils
def to_tensor(rows, dtype=torch.long):
    return torch.tensor(rows, dtype=dtype)


def pad_to(ids: Sequence[int], n: int, pad_id: int = 0) -> List[int]:
    ids = list(ids)[:n]
    return ids + [pad_id] * (n - len(ids))


def batched(xs, n):
    it = iter(xs)
    while chunk := [x for _, x in zip(range(n), it)]:
        yield chunk


# ---------------------------------------------------------------- data
def synth_orders(n_orders=400, seed=21) -> List[Tuple[str, List[str]]]:
    rng = random.Random(seed)
    aisles = {a: [f"p{a}{k:02d}" for k in range(12)] for a in "abcdef"}
    orders = []
    for o in range(n_orders):
        home = rng.choice("abcdef")
        size = rng.randint(3, 9)
        basket = [rng.choice(aisles[home]) if rng.random() < 0.7 else rng.choice(aisles[rng.choice("abcdef")])
                  for _ in range(size)]
        orders.append((f"u{o % 60:03d}", basket))
    return orders


def build_vocab(orders, path) -> str:
    freq = Counter(p for _, b in orders for p in b)
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + [p for p, _ in freq.most_common()]
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


# ---------------------------------------------------------------- model
class BasketModel(Protocol):
    def __call__(self, input_ids, attention_mask=None, labels=None): ...


def make_model(vocab_size: int, max_len: int) -> BertForMaskedLM:
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=max_len)
    return BertForMaskedLM(cfg)


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-len", type=int, default=16)
    ap.add_argument("--bs", type=int, default=32)
    ap.add_argument("--steps", type=int, default=12)
    ap.add_argument("--mask-prob", type=float, default=0.2)
    args = ap.parse_args(argv)

    torch.manual_seed(1)
    random.seed(1)
    orders = synth_orders()
    tok = BertTokenizer(build_vocab(orders, os.path.join(HERE, "products.txt")))

    @lru_cache(maxsize=2048)
    def basket_ids(products: Tuple[str, ...]) -> Tuple[int, ...]:
        return tuple(tok.encode(" ".join(products), truncation=True, max_length=args.max_len))

    def mlm_batch(baskets):
        ids, labels = [], []
        for b in baskets:
            x = list(basket_ids(tuple(b)))
            y = [-100] * len(x)
            for j in range(1, len(x) - 1):
                if random.random() < args.mask_prob:
                    y[j], x[j] = x[j], tok.mask_token_id
            ids.append(pad_to(x, args.max_len, tok.pad_token_id))
            labels.append(pad_to(y, args.max_len, -100))
        input_ids = to_tensor(ids)
        return {"input_ids": input_ids, "attention_mask": (input_ids != tok.pad_token_id).long(),
                "labels": to_tensor(labels)}

    train_orders, holdout = orders[:340], orders[340:]
    model: BasketModel = make_model(tok.vocab_size, args.max_len)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    model.train()
    baskets = [b for _, b in train_orders]
    for step in range(args.steps):
        random.shuffle(baskets)
        for chunk in batched(baskets, args.bs):
            out = model(**mlm_batch(chunk))
            opt.zero_grad()
            out.loss.backward()
            opt.step()
        if step % 4 == 0:
            print(f"step {step}: mlm loss {out.loss.item():.3f}")

    model.eval()
    history: Dict[str, List[str]] = defaultdict(list)
    for user, b in train_orders:
        history[user].extend(b)

    def complete_basket(partial: Sequence[str], k: int = 3) -> List[str]:
        ids = list(basket_ids(partial))[:-1] + [tok.mask_token_id, tok.sep_token_id]
        with torch.no_grad():
            logits = model(input_ids=to_tensor([ids])).logits[0, -2]
        logits[[tok.pad_token_id, tok.unk_token_id, tok.cls_token_id, tok.sep_token_id, tok.mask_token_id]] = -1e9
        return tok.convert_ids_to_tokens(logits.topk(k).indices.tolist())

    hits = 0
    for user, b in holdout:
        recs = complete_basket(b[:-1])
        hits += b[-1] in recs
    print(f"hit@3 on holdout: {hits / len(holdout):.3f} (users with history: {len(history)})")


if __name__ == "__main__":
    main(["--max-len", "16", "--bs", "32", "--steps", "12", "--mask-prob", "0.2"])
