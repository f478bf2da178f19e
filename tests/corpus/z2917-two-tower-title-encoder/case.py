import os
import random
from typing import NamedTuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 11
ID_DIM = 16
TITLE_HIDDEN = 64
TOWER_DIM = 32
N_NEG = 4
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
WORDS = ["wireless", "earbuds", "cotton", "shirt", "running", "shoes", "steel", "water",
         "bottle", "kids", "lego", "set", "coffee", "grinder", "yoga", "mat", "led", "desk",
         "lamp", "leather", "wallet", "gaming", "mouse", "usb", "cable", "black", "blue", "pro"]


def write_vocab():
    path = os.path.join(HERE, "title_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return path


def make_feature_store(n_items):
    store = {"item_id": [], "title": [], "category": []}
    for i in range(n_items):
        store["item_id"].append(i)
        store["title"].append(" ".join(random.sample(WORDS, random.randint(2, 5))))
        store["category"].append(random.randrange(6))
    return store


def make_interactions(n_users, n_items, per_user=10):
    return [(u, random.randrange(n_items), round(random.uniform(0.5, 1.0), 2))
            for u in range(n_users) for _ in range(per_user)]


encoder_cfg = dict(vocab_size=len(WORDS) + 5, hidden_size=48, num_hidden_layers=1,
                   num_attention_heads=2, intermediate_size=96, max_position_embeddings=32)


class PairBatch(NamedTuple):
    users: torch.Tensor
    pos_items: torch.Tensor
    neg_items: torch.Tensor
    weights: torch.Tensor


class UserTower(nn.Module):
    def __init__(self, n_users):
        super().__init__()
        self.emb = nn.Embedding(n_users, TOWER_DIM)
        self.ff = nn.Sequential(nn.Linear(TOWER_DIM, TOWER_DIM), nn.ReLU(), nn.Linear(TOWER_DIM, TOWER_DIM))

    def forward(self, users):
        return F.normalize(self.ff(self.emb(users)), dim=-1)


class ItemTower(nn.Module):
    def __init__(self, n_items, tokenizer, features):
        super().__init__()
        self.tokenizer = tokenizer
        self.features = features
        self.id_emb = nn.Embedding(n_items, ID_DIM)
        self.text = BertModel(BertConfig(**encoder_cfg))
        self.proj = nn.Linear(ID_DIM + TITLE_HIDDEN, TOWER_DIM)

    def encode_titles(self, item_ids):
        titles = [self.features["title"][i] for i in item_ids.tolist()]
        enc = self.tokenizer(titles, padding=True, truncation=True, max_length=16, return_tensors="pt")
        out = self.text(**enc)
        return out.last_hidden_state[:, 0]

    def forward(self, item_ids):
        shape = item_ids.shape
        flat = item_ids.reshape(-1)
        feats = torch.cat([self.id_emb(flat), self.encode_titles(flat)], dim=-1)
        vec = F.normalize(self.proj(feats), dim=-1)
        return vec.view(*shape, TOWER_DIM)


def sample_batches(interactions, n_items, batch_size):
    order = list(range(len(interactions)))
    random.shuffle(order)
    for s in range(0, len(order), batch_size):
        chunk = [interactions[k] for k in order[s:s + batch_size]]
        users = torch.tensor([u for u, _, _ in chunk])
        pos = torch.tensor([i for _, i, _ in chunk])
        neg = torch.randint(0, n_items, (len(chunk), N_NEG))
        w = torch.tensor([r for _, _, r in chunk], dtype=torch.float32)
        yield PairBatch(users, pos, neg, w)


def sampled_softmax_loss(u, pos_vec, neg_vec, weights, temperature=0.1):
    pos_logit = (u * pos_vec).sum(-1, keepdim=True)
    neg_logit = torch.einsum("bd,bnd->bn", u, neg_vec)
    logits = torch.cat([pos_logit, neg_logit], dim=1) / temperature
    target = torch.zeros(u.size(0), dtype=torch.long)
    per_row = F.cross_entropy(logits, target, reduction="none")
    return (per_row * weights).sum() / weights.sum()


def main():
    n_users, n_items = 30, 50
    tokenizer = BertTokenizer(write_vocab())
    features = make_feature_store(n_items)
    interactions = make_interactions(n_users, n_items)

    user_tower = UserTower(n_users)
    item_tower = ItemTower(n_items, tokenizer, features)
    params = list(user_tower.parameters()) + list(item_tower.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)

    for epoch in range(2):
        running = []
        for batch in sample_batches(interactions, n_items, batch_size=16):
            u = user_tower(batch.users)
            p = item_tower(batch.pos_items)
            n = item_tower(batch.neg_items)
            loss = sampled_softmax_loss(u, p, n, batch.weights)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running.append(loss.item())
        print(f"epoch {epoch} loss {np.mean(running):.4f}")

    with torch.no_grad():
        all_items = item_tower(torch.arange(n_items))
        scores = user_tower(torch.arange(3)) @ all_items.T
        print("top-5 for first users:", scores.topk(5, dim=1).indices.tolist())


if __name__ == "__main__":
    main()
