import random
from collections import Counter
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class QueryClfConfig:
    categories: list = field(default_factory=lambda: [
        "electronics", "apparel", "home_garden", "beauty", "toys", "grocery"])
    d_model: int = 32
    n_heads: int = 2
    n_layers: int = 1
    max_positions: int = 48
    min_freq: int = 1
    batch_size: int = 16
    lr: float = 1e-3
    epochs: int = 2
    use_session_context: bool = True
    seed: int = 7


CATEGORY_TERMS = {
    "electronics": ["usb", "charger", "hdmi", "laptop", "earbuds", "4k", "monitor", "ssd"],
    "apparel": ["hoodie", "jeans", "dress", "sneakers", "xl", "cotton", "jacket", "socks"],
    "home_garden": ["sofa", "lamp", "planter", "rug", "hose", "duvet", "shelf", "mower"],
    "beauty": ["serum", "lipstick", "shampoo", "spf", "moisturizer", "mascara", "vegan"],
    "toys": ["lego", "puzzle", "doll", "rc", "car", "boardgame", "plush", "kids"],
    "grocery": ["coffee", "oat", "milk", "organic", "pasta", "snacks", "gluten", "free"],
}
GENERIC = ["cheap", "best", "sale", "near", "me", "for", "men", "women", "black", "2024", "pack"]


class QueryTokenizer:
    def __init__(self, cfg):
        self.cfg = cfg
        self.itos = ["<pad>", "<unk>", "<cls>", "<sep>"]
        self.stoi = {}

    def fit(self, texts):
        counts = Counter(tok for t in texts for tok in t.lower().split())
        for tok, c in counts.most_common():
            if c >= self.cfg.min_freq:
                self.itos.append(tok)
        self.stoi = {t: i for i, t in enumerate(self.itos)}
        return self

    def encode(self, query, context=""):
        ids = [self.stoi["<cls>"]] + [self.stoi.get(t, 1) for t in query.lower().split()]
        if context:
            ids += [self.stoi["<sep>"]] + [self.stoi.get(t, 1) for t in context.lower().split()]
        return ids

    def batch_encode(self, queries, contexts):
        seqs = [self.encode(q, c) for q, c in zip(queries, contexts)]
        width = max(len(s) for s in seqs)
        ids = torch.zeros(len(seqs), width, dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = torch.tensor(s)
        return ids, ids.eq(0)


class QueryIntentModel(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, cfg.d_model, padding_idx=0)
        self.pos_emb = nn.Embedding(cfg.max_positions, cfg.d_model)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, dim_feedforward=cfg.d_model * 2,
                                           batch_first=True, dropout=0.1)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers)
        self.head = nn.Linear(cfg.d_model, len(cfg.categories))

    def forward(self, input_ids, pad_mask):
        positions = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0)
        h = self.tok_emb(input_ids) + self.pos_emb(positions)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        return self.head(h[:, 0])


def synth_search_log(cfg, n):
    rows = []
    cats = cfg.categories
    for _ in range(n):
        label = random.randrange(len(cats))
        terms = CATEGORY_TERMS[cats[label]]
        query = " ".join(random.sample(terms, random.randint(1, 3)) + random.sample(GENERIC, random.randint(0, 2)))
        # recently viewed product titles in the same session
        n_viewed = random.choice([0, 0, 1, 2, 3, 6])
        viewed = []
        for _ in range(n_viewed):
            other = CATEGORY_TERMS[random.choice(cats)] if random.random() < 0.3 else terms
            viewed.append(" ".join(random.choices(other + GENERIC, k=random.randint(5, 9))))
        rows.append({"query": query, "context": " ".join(viewed), "label": label})
    return rows


def batches(rows, bs):
    for i in range(0, len(rows), bs):
        yield rows[i: i + bs]


def main():
    cfg = QueryClfConfig()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    train_rows = synth_search_log(cfg, 320)
    val_rows = synth_search_log(cfg, 64)
    tok = QueryTokenizer(cfg).fit([r["query"] + " " + r["context"] for r in train_rows])

    model = QueryIntentModel(cfg, len(tok.itos))
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        random.shuffle(train_rows)
        total = 0.0
        for b in batches(train_rows, cfg.batch_size):
            ctx = [r["context"] if cfg.use_session_context else "" for r in b]
            ids, pad = tok.batch_encode([r["query"] for r in b], ctx)
            y = torch.tensor([r["label"] for r in b])
            loss = F.cross_entropy(model(ids, pad), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(b)

        model.eval()
        correct = 0
        with torch.no_grad():
            for b in batches(val_rows, cfg.batch_size):
                ctx = [r["context"] if cfg.use_session_context else "" for r in b]
                ids, pad = tok.batch_encode([r["query"] for r in b], ctx)
                pred = model(ids, pad).argmax(-1)
                correct += (pred == torch.tensor([r["label"] for r in b])).sum().item()
        print(f"epoch {epoch}: train loss {total / len(train_rows):.3f}  val acc {correct / len(val_rows):.3f}")


if __name__ == "__main__":
    main()
