"""Intent classifier for storefront search queries.

Queries are hashed into a fixed vocabulary (no tokenizer dependency in the
serving path), encoded with a small CNN and classified into one of the search
intents that the ranking service routes on.
"""
import random
from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset


INTENTS = ["product_lookup", "category_browse", "brand_search",
           "price_compare", "order_support", "navigational"]

TEMPLATES = {
    "product_lookup": ["{brand} {product} {size}", "{color} {product} {size}", "{product} {material}"],
    "category_browse": ["{category}", "{category} for {audience}", "best {category}"],
    "brand_search": ["{brand}", "{brand} store", "{brand} new arrivals"],
    "price_compare": ["cheap {product}", "{product} under {price}", "{brand} {product} deal"],
    "order_support": ["where is my order", "return {product}", "cancel order {price}"],
    "navigational": ["login", "my account", "gift cards", "store locator"],
}
SLOTS = {
    "brand": ["acme", "northpeak", "lumen", "vexa", "orbit", "kestrel"],
    "product": ["sneakers", "jacket", "backpack", "headphones", "kettle", "desk lamp"],
    "size": ["xl", "m", "10", "42", "small"],
    "color": ["black", "red", "olive", "navy", "white"],
    "material": ["leather", "cotton", "steel", "bamboo"],
    "category": ["running shoes", "kitchen", "outdoor gear", "audio", "home office"],
    "audience": ["kids", "women", "men"],
    "price": ["50", "100", "20", "200"],
}
# roughly the traffic mix we see in the logs
INTENT_MIX = [0.38, 0.22, 0.14, 0.12, 0.09, 0.05]


@dataclass
class IntentConfig:
    vocab_size: int = 4096
    embed_dim: int = 48
    conv_channels: int = 64
    kernel_sizes: tuple = (2, 3)
    num_intents: int = len(INTENTS)
    max_query_len: int = 10
    dropout: float = 0.1
    batch_size: int = 64
    lr: float = 2e-3
    epochs: int = 2
    n_train: int = 1200
    init_device: str = "meta"
    device: str = "cpu"
    seed: int = 13


def hash_token(tok, vocab_size):
    h = 2166136261
    for ch in tok.encode("utf8"):
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return 2 + h % (vocab_size - 2)


def sample_queries(n, rng):
    queries, labels = [], []
    for _ in range(n):
        intent_id = rng.choices(range(len(INTENTS)), weights=INTENT_MIX)[0]
        tpl = rng.choice(TEMPLATES[INTENTS[intent_id]])
        q = tpl.format(**{k: rng.choice(v) for k, v in SLOTS.items()})
        queries.append(q)
        labels.append(intent_id)
    return queries, labels


class QueryDataset(Dataset):
    def __init__(self, queries, labels, cfg):
        self.cfg = cfg
        self.ids = [self.encode(q) for q in queries]
        self.labels = labels

    def encode(self, query):
        toks = query.lower().split()[: self.cfg.max_query_len]
        ids = [hash_token(t, self.cfg.vocab_size) for t in toks]
        return ids + [0] * (self.cfg.max_query_len - len(ids))

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, i):
        return torch.tensor(self.ids[i]), torch.tensor(self.labels[i])


class QueryIntentModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab_size, cfg.embed_dim, padding_idx=0)
        self.convs = nn.ModuleList(
            nn.Conv1d(cfg.embed_dim, cfg.conv_channels, k, padding=k // 2) for k in cfg.kernel_sizes
        )
        self.dropout = nn.Dropout(cfg.dropout)
        self.head = nn.Linear(cfg.conv_channels * len(cfg.kernel_sizes), cfg.num_intents)

    def forward(self, ids):
        x = self.embed(ids).transpose(1, 2)
        pooled = [F.relu(conv(x)).amax(dim=-1) for conv in self.convs]
        return self.head(self.dropout(torch.cat(pooled, dim=-1)))


def init_weights(m):
    if isinstance(m, nn.Embedding):
        nn.init.normal_(m.weight, std=0.05)
        with torch.no_grad():
            m.weight[m.padding_idx].zero_()
    elif isinstance(m, (nn.Linear, nn.Conv1d)):
        nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
        nn.init.zeros_(m.bias)


def inverse_freq_weights(labels, num_classes):
    counts = Counter(labels)
    freq = np.array([counts.get(c, 1) for c in range(num_classes)], dtype=np.float32)
    w = freq.sum() / (num_classes * freq)
    return torch.tensor(w / w.mean())


def build(cfg, train_labels):
    # allocate on the meta device first, materialise once everything is wired up
    with torch.device(cfg.init_device):
        model = QueryIntentModel(cfg)
        class_weights = inverse_freq_weights(train_labels, cfg.num_intents)
        criterion = nn.CrossEntropyLoss(weight=class_weights, label_smoothing=0.05)
    model = model.to_empty(device=cfg.device)
    model.apply(init_weights)
    return model, criterion


def train(cfg):
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)
    queries, labels = sample_queries(cfg.n_train, rng)
    split = int(0.85 * len(queries))
    train_ds = QueryDataset(queries[:split], labels[:split], cfg)
    val_ds = QueryDataset(queries[split:], labels[split:], cfg)
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model, criterion = build(cfg, labels[:split])
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)

    for epoch in range(cfg.epochs):
        model.train()
        running = 0.0
        for ids, y in train_dl:
            ids, y = ids.to(cfg.device), y.to(cfg.device)
            logits = model(ids)
            loss = criterion(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * ids.size(0)

        model.eval()
        correct = 0
        with torch.no_grad():
            for ids, y in val_dl:
                pred = model(ids.to(cfg.device)).argmax(-1)
                correct += (pred == y.to(cfg.device)).sum().item()
        print(f"epoch {epoch}: train_loss={running / len(train_ds):.4f} "
              f"val_acc={correct / len(val_ds):.3f}")
    return model


if __name__ == "__main__":
    train(IntentConfig())
