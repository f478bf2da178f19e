import os
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "rel_vocab.txt")

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = [
    "running", "shoes", "men", "women", "waterproof", "jacket", "wireless", "earbuds",
    "bluetooth", "speaker", "leather", "wallet", "stainless", "steel", "water", "bottle",
    "kids", "backpack", "yoga", "mat", "non", "slip", "usb", "charger", "fast", "black",
    "red", "blue", "large", "small", "cotton", "shirt", "brand", "nike", "acme", "sony",
    "color", "size", "material", "polyester", "rubber", "plastic", "category", "sports",
    "electronics", "accessories", "home", "kitchen", "noise", "cancelling",
]

NUM_SEGMENTS = 3
MAX_LEN = 48


def write_vocab(path):
    with open(path, "w") as fh:
        for tok in SPECIAL + WORDS:
            fh.write(tok + "\n")


@dataclass
class Product:
    pid: int
    title: str
    attrs: dict = field(default_factory=dict)


@dataclass
class Judgement:
    query: str
    pid: int
    grade: int


def make_catalog(rng, n=40):
    catalog = []
    for pid in range(n):
        title = " ".join(rng.sample(WORDS[:34], k=rng.randint(3, 6)))
        attrs = {
            "brand": rng.choice(["nike", "acme", "sony"]),
            "color": rng.choice(["black", "red", "blue"]),
            "category": rng.choice(["sports", "electronics", "accessories", "home"]),
        }
        catalog.append(Product(pid, title, attrs))
    return catalog


def make_judgements(rng, catalog, n_queries=12):
    out = []
    for _ in range(n_queries):
        q = " ".join(rng.sample(WORDS[:34], k=rng.randint(2, 3)))
        for p in rng.sample(catalog, k=6):
            overlap = len(set(q.split()) & set(p.title.split()))
            out.append(Judgement(q, p.pid, min(3, overlap + rng.randint(0, 1))))
    return out


def attr_string(attrs):
    return " ".join(f"{k} {v}" for k, v in sorted(attrs.items()))


class CrossEncoderFeaturizer:
    def __init__(self, tokenizer, max_len=MAX_LEN):
        self.tok = tokenizer
        self.max_len = max_len

    def __call__(self, query, product):
        pieces = [query, product.title, attr_string(product.attrs)]
        ids = [self.tok.cls_token_id]
        segs = [0]
        for seg_id, text in enumerate(pieces):
            wp = self.tok.encode(text, add_special_tokens=False)
            ids.extend(wp + [self.tok.sep_token_id])
            segs.extend([seg_id] * (len(wp) + 1))
        ids, segs = ids[: self.max_len], segs[: self.max_len]
        return ids, segs


def pad_batch(rows, pad_id):
    width = max(len(r[0]) for r in rows)
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    token_type_ids = torch.zeros((len(rows), width), dtype=torch.long)
    attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, (ids, segs) in enumerate(rows):
        input_ids[i, : len(ids)] = torch.tensor(ids)
        token_type_ids[i, : len(segs)] = torch.tensor(segs)
        attention_mask[i, : len(ids)] = 1
    return {"input_ids": input_ids, "token_type_ids": token_type_ids, "attention_mask": attention_mask}


class RelevanceCrossEncoder(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = BertModel(config)
        self.head = nn.Linear(config.hidden_size, 1)

    def forward(self, batch):
        out = self.bert(**batch)
        return self.head(out.last_hidden_state[:, 0]).squeeze(-1)


def mine_pairs(judgements):
    by_query = {}
    for j in judgements:
        by_query.setdefault(j.query, []).append(j)
    pairs = []
    for q, js in by_query.items():
        js = sorted(js, key=lambda j: -j.grade)
        for hi in js:
            hard = [lo for lo in js if lo.grade < hi.grade]
            if hard:
                pairs.append((q, hi.pid, hard[0].pid, hi.grade - hard[0].grade))
    return pairs


def main():
    rng = random.Random(13)
    torch.manual_seed(13)
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    catalog = make_catalog(rng)
    judgements = make_judgements(rng, catalog)
    pairs = mine_pairs(judgements)
    featurize = CrossEncoderFeaturizer(tokenizer)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=NUM_SEGMENTS,
    )
    model = RelevanceCrossEncoder(config)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

    batch_size = 8
    for epoch in range(2):
        rng.shuffle(pairs)
        total = 0.0
        for start in range(0, len(pairs), batch_size):
            chunk = pairs[start : start + batch_size]
            pos_rows = [featurize(q, catalog[p]) for q, p, _, _ in chunk]
            neg_rows = [featurize(q, catalog[n]) for q, _, n, _ in chunk]
            gaps = torch.tensor([g for *_, g in chunk], dtype=torch.float)
            s_pos = model(pad_batch(pos_rows, tokenizer.pad_token_id))
            s_neg = model(pad_batch(neg_rows, tokenizer.pad_token_id))
            loss = F.relu(0.5 * gaps - (s_pos - s_neg)).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} pairwise hinge {total:.4f} over {len(pairs)} pairs")


if __name__ == "__main__":
    main()
