import os
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

CFG = {
    "seed": 7,
    "n_listings": 600,
    "max_len": 48,
    "batch_size": 16,
    "epochs": 2,
    "lr": 3e-4,
    "pooling": "cls_mean",
    "numeric_features": ["bedrooms", "bathrooms", "living_sqft", "garage_spaces"],
    "encoder": dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64),
    "head_hidden": 64,
    "vocab_path": "listing_vocab.txt",
}

ADJ = ["bright", "spacious", "renovated", "charming", "modern", "cozy", "sunny", "quiet",
       "original", "dated", "updated", "open"]
ROOMS = ["kitchen", "bathroom", "bedroom", "living", "room", "basement", "deck", "yard",
         "garage", "patio", "loft", "attic"]
FEATURES = ["granite", "hardwood", "floors", "counters", "stainless", "appliances", "fireplace",
            "views", "walk", "to", "park", "schools", "transit", "new", "roof", "windows", "with",
            "and", "a", "the", "in", "close", "fixer", "upper", "needs", "tlc", "investor", "special",
            "move", "ready", "family", "home", "condo", "townhouse", "cul", "de", "sac", "lot"]
PREMIUM = {"renovated", "modern", "granite", "stainless", "views", "hardwood", "updated"}
DISCOUNT = {"fixer", "upper", "tlc", "dated", "investor", "needs"}


def write_vocab(path):
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted(set(ADJ + ROOMS + FEATURES))
    with open(path, "w") as f:
        f.write("\n".join(special + words + [".", ","]) + "\n")


def synth_listing(rng):
    n_sent = rng.randint(2, 4)
    words = []
    for _ in range(n_sent):
        words += [rng.choice(ADJ), rng.choice(ROOMS), "with", rng.choice(FEATURES),
                  rng.choice(FEATURES), "."]
    beds = rng.randint(1, 5)
    baths = max(1, beds - rng.randint(0, 2))
    sqft = 420 * beds + rng.randint(-150, 400)
    garage = rng.randint(0, 2)
    bonus = sum(w in PREMIUM for w in words) * 0.04 - sum(w in DISCOUNT for w in words) * 0.06
    ppsf = 310 * (1 + bonus) + rng.gauss(0, 12)
    return {"description": " ".join(words), "bedrooms": beds, "bathrooms": baths,
            "living_sqft": sqft, "garage_spaces": garage, "price_per_sqft": ppsf}


class ListingDataset(Dataset):
    def __init__(self, rows, tokenizer, numeric_features, max_len, stats=None):
        self.rows = rows
        self.enc = tokenizer([r["description"] for r in rows], padding="max_length",
                             truncation=True, max_length=max_len, return_tensors="pt")
        num = np.array([[r[k] for k in numeric_features] for r in rows], dtype=np.float32)
        self.stats = stats or (num.mean(0), num.std(0) + 1e-6)
        self.num = torch.from_numpy((num - self.stats[0]) / self.stats[1])
        self.y = torch.tensor([r["price_per_sqft"] / 100.0 for r in rows], dtype=torch.float32)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return {"input_ids": self.enc["input_ids"][i],
                "attention_mask": self.enc["attention_mask"][i],
                "numeric": self.num[i], "target": self.y[i]}


def pool(hidden, mask, mode):
    cls = hidden[:, 0]
    if mode == "cls":
        return cls
    m = mask.unsqueeze(-1).float()
    mean = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
    if mode == "mean":
        return mean
    return torch.cat([cls, mean], dim=-1)


class DescriptionPriceModel(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, **cfg["encoder"])
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.pooling = cfg["pooling"]
        text_dim = bert_cfg.hidden_size
        n_num = len(cfg["numeric_features"])
        self.head = nn.Sequential(
            nn.Linear(text_dim + n_num, cfg["head_hidden"]),
            nn.GELU(),
            nn.Dropout(0.1),
            nn.Linear(cfg["head_hidden"], 1),
        )

    def forward(self, input_ids, attention_mask, numeric):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        text_vec = pool(out.last_hidden_state, attention_mask, self.pooling)
        return self.head(torch.cat([text_vec, numeric], dim=-1)).squeeze(-1)


def run_epoch(model, loader, opt=None):
    training = opt is not None
    model.train(training)
    total, n = 0.0, 0
    with torch.set_grad_enabled(training):
        for batch in loader:
            pred = model(batch["input_ids"], batch["attention_mask"], batch["numeric"])
            loss = nn.functional.smooth_l1_loss(pred, batch["target"])
            if training:
                opt.zero_grad()
                loss.backward()
                opt.step()
            total += loss.item() * len(pred)
            n += len(pred)
    return total / n


def main():
    random.seed(CFG["seed"])
    torch.manual_seed(CFG["seed"])
    rng = random.Random(CFG["seed"])
    here = os.path.dirname(os.path.abspath(__file__))
    vocab_path = os.path.join(here, CFG["vocab_path"])
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path, do_lower_case=True)

    rows = [synth_listing(rng) for _ in range(CFG["n_listings"])]
    split = int(0.85 * len(rows))
    train_ds = ListingDataset(rows[:split], tokenizer, CFG["numeric_features"], CFG["max_len"])
    val_ds = ListingDataset(rows[split:], tokenizer, CFG["numeric_features"], CFG["max_len"],
                            stats=train_ds.stats)
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=64)

    model = DescriptionPriceModel(tokenizer.vocab_size, CFG)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
    for epoch in range(CFG["epochs"]):
        tr = run_epoch(model, train_dl, opt)
        va = run_epoch(model, val_dl)
        print(f"epoch {epoch}  train {tr:.4f}  val {va:.4f}")


if __name__ == "__main__":
    main()
