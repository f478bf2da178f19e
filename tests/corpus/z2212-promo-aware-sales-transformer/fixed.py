import math
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel


PROMO_MECHANICS = {"none": 0, "tpr": 1, "bogo": 2, "endcap_display": 3}
SPECIAL_TOKENS = {"[PAD]": 0, "[CLS]": 1}


@dataclass
class ForecastConfig:
    n_stores: int = 6
    n_items: int = 40
    history_days: int = 56
    horizon_days: int = 7
    unit_bucket_edges: list = field(default_factory=lambda: [0, 1, 2, 4, 8, 16, 32, 64, 128])
    hidden_size: int = 32
    n_layers: int = 1
    n_heads: int = 2
    type_vocab_size: int = len(PROMO_MECHANICS)
    batch_size: int = 16
    lr: float = 3e-4
    epochs: int = 2
    seed: int = 7


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def simulate_store_item_sales(cfg):
    rng = np.random.default_rng(cfg.seed)
    total_days = cfg.history_days + cfg.horizon_days
    records = []
    for store in range(cfg.n_stores):
        store_lift = rng.uniform(0.7, 1.4)
        for item in range(cfg.n_items):
            base = rng.gamma(2.0, 3.0) * store_lift
            weekly = 1.0 + 0.3 * np.sin(2 * math.pi * np.arange(total_days) / 7)
            promo = np.zeros(total_days, dtype=np.int64)
            for _ in range(rng.integers(1, 4)):
                start = rng.integers(0, total_days - 7)
                mech = rng.choice(list(PROMO_MECHANICS.values())[1:])
                promo[start:start + rng.integers(3, 8)] = mech
            uplift = np.where(promo > 0, 1.0 + 0.4 * promo, 1.0)
            units = rng.poisson(base * weekly * uplift)
            records.append({"store": store, "item": item, "units": units, "promo": promo})
    return records


def bucketize_units(units, edges):
    return np.digitize(units, edges[1:], right=False) + len(SPECIAL_TOKENS)


def encode_series(rec, cfg):
    hist_units = rec["units"][: cfg.history_days]
    hist_promo = rec["promo"][: cfg.history_days]
    tokens = bucketize_units(hist_units, cfg.unit_bucket_edges)
    input_ids = np.concatenate([[SPECIAL_TOKENS["[CLS]"]], tokens])
    token_type_ids = np.concatenate([[PROMO_MECHANICS["none"]], hist_promo])
    target = np.log1p(rec["units"][cfg.history_days:].sum())
    return {
        "input_ids": torch.tensor(input_ids, dtype=torch.long),
        "token_type_ids": torch.tensor(token_type_ids, dtype=torch.long),
        "attention_mask": torch.ones(len(input_ids), dtype=torch.long),
        "store": torch.tensor(rec["store"]),
        "item": torch.tensor(rec["item"]),
        "target": torch.tensor(target, dtype=torch.float32),
    }


def make_batches(encoded, batch_size):
    order = np.random.permutation(len(encoded))
    for i in range(0, len(order), batch_size):
        chunk = [encoded[j] for j in order[i:i + batch_size]]
        yield {k: torch.stack([c[k] for c in chunk]) for k in chunk[0]}


def build_model(cfg):
    vocab_size = len(cfg.unit_bucket_edges) + len(SPECIAL_TOKENS)
    bert_cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg.hidden_size,
        num_hidden_layers=cfg.n_layers,
        num_attention_heads=cfg.n_heads,
        intermediate_size=cfg.hidden_size * 2,
        max_position_embeddings=cfg.history_days + 8,
        type_vocab_size=cfg.type_vocab_size,
        pad_token_id=SPECIAL_TOKENS["[PAD]"],
    )
    encoder = BertModel(bert_cfg, add_pooling_layer=False)
    store_emb = nn.Embedding(cfg.n_stores, 8)
    item_emb = nn.Embedding(cfg.n_items, 8)
    head = nn.Sequential(nn.Linear(cfg.hidden_size + 16, 32), nn.ReLU(), nn.Linear(32, 1))
    return nn.ModuleDict({"encoder": encoder, "store": store_emb, "item": item_emb, "head": head})


def forward(model, batch):
    out = model["encoder"](
        input_ids=batch["input_ids"],
        attention_mask=batch["attention_mask"],
        token_type_ids=batch["token_type_ids"],
    )
    cls_vec = out.last_hidden_state[:, 0]
    feats = torch.cat([cls_vec, model["store"](batch["store"]), model["item"](batch["item"])], dim=-1)
    return model["head"](feats).squeeze(-1)


def main():
    cfg = ForecastConfig()
    seed_everything(cfg.seed)
    records = simulate_store_item_sales(cfg)
    encoded = [encode_series(r, cfg) for r in records]
    print(f"{len(encoded)} store-item series, seq len {encoded[0]['input_ids'].shape[0]}")

    model = build_model(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    loss_fn = nn.HuberLoss()

    for epoch in range(cfg.epochs):
        model.train()
        running, n = 0.0, 0
        for batch in make_batches(encoded, cfg.batch_size):
            pred = forward(model, batch)
            loss = loss_fn(pred, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(pred)
            n += len(pred)
        print(f"epoch {epoch} huber={running / n:.4f}")

    model.eval()
    with torch.no_grad():
        sample = next(make_batches(encoded[:8], 8))
        preds = torch.expm1(forward(model, sample))
        print("next-week units forecast:", preds.round().tolist())


if __name__ == "__main__":
    main()
