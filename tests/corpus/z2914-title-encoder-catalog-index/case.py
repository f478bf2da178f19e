import os
import random
from typing import Dict, List, NamedTuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "title_vocab.txt")

MAX_TITLE_TOKENS = 24
EMB_DIM = 32
N_USERS = 80
N_ITEMS = 120

random.seed(11)
torch.manual_seed(11)

BRANDS = ["acme", "zenith", "nova", "orbit", "pixel", "terra", "lumen", "vertex"]
NOUNS = ["headphones", "speaker", "keyboard", "mouse", "monitor", "charger", "cable", "backpack",
         "lamp", "kettle", "blender", "jacket", "sneakers", "watch", "tripod", "router"]
ADJS = ["wireless", "portable", "compact", "ergonomic", "premium", "waterproof", "black", "white",
        "silver", "rechargeable", "foldable", "smart", "slim", "heavy", "duty", "pro"]
EXTRAS = ["with", "and", "for", "usb", "c", "bluetooth", "edition", "pack", "of", "2", "4",
          "home", "office", "travel", "gaming", "kids", "outdoor", "fast", "charging", "case"]


def write_vocab(path):
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted(set(BRANDS + NOUNS + ADJS + EXTRAS))
    with open(path, "w") as f:
        f.write("\n".join(special + words) + "\n")


def make_title():
    parts = [random.choice(BRANDS)]
    parts += random.sample(ADJS, k=random.randint(1, 4))
    parts.append(random.choice(NOUNS))
    if random.random() < 0.3:
        parts += random.choices(EXTRAS, k=random.randint(6, 30))
    return " ".join(parts)


def build_feature_store():
    return {
        "item_id": list(range(N_ITEMS)),
        "title": [make_title() for _ in range(N_ITEMS)],
        "price": [round(random.uniform(5, 300), 2) for _ in range(N_ITEMS)],
    }


def build_clicks(n=1500):
    return [(random.randrange(N_USERS), random.randrange(N_ITEMS)) for _ in range(n)]


class ClickBatch(NamedTuple):
    user_ids: torch.Tensor
    input_ids: torch.Tensor
    attention_mask: torch.Tensor


def iterate_batches(clicks, store, tokenizer, batch_size=32):
    random.shuffle(clicks)
    for s in range(0, len(clicks), batch_size):
        rows = clicks[s:s + batch_size]
        titles = [store["title"][i] for _, i in rows]
        enc = tokenizer(titles, padding="max_length", truncation=True,
                        max_length=MAX_TITLE_TOKENS, return_tensors="pt")
        yield ClickBatch(torch.tensor([u for u, _ in rows]), enc["input_ids"], enc["attention_mask"])


class TitleTower(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=MAX_TITLE_TOKENS)
        self.bert = BertModel(cfg)
        self.proj = nn.Linear(32, EMB_DIM)

    def forward(self, input_ids, attention_mask):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask)
        cls = out.last_hidden_state[:, 0]
        return F.normalize(self.proj(cls), dim=-1)


class UserTower(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(N_USERS, EMB_DIM)

    def forward(self, user_ids):
        return F.normalize(self.emb(user_ids), dim=-1)


def train_epoch(user_tower, item_tower, clicks, store, tokenizer, opt):
    losses = []
    for b in iterate_batches(clicks, store, tokenizer):
        u = user_tower(b.user_ids)
        v = item_tower(b.input_ids, b.attention_mask)
        logits = u @ v.T / 0.05
        loss = F.cross_entropy(logits, torch.arange(len(u)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


@torch.no_grad()
def build_item_index(item_tower, store, tokenizer) -> Dict[str, torch.Tensor]:
    item_tower.eval()
    enc = tokenizer(store["title"], padding=True, return_tensors="pt")
    vecs = item_tower(enc["input_ids"], enc["attention_mask"])
    return {"item_id": torch.tensor(store["item_id"]), "vecs": vecs}


@torch.no_grad()
def recommend(user_tower, index, users: List[int], k=5):
    q = user_tower(torch.tensor(users))
    top = (q @ index["vecs"].T).topk(k, dim=1).indices
    return index["item_id"][top].tolist()


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    store = build_feature_store()
    clicks = build_clicks()

    user_tower, item_tower = UserTower(), TitleTower(tokenizer.vocab_size)
    opt = torch.optim.Adam(list(user_tower.parameters()) + list(item_tower.parameters()), lr=1e-3)
    for epoch in range(2):
        print(f"epoch {epoch}: loss {train_epoch(user_tower, item_tower, clicks, store, tokenizer, opt):.4f}")

    index = build_item_index(item_tower, store, tokenizer)
    for user, recs in zip([0, 1, 2], recommend(user_tower, index, [0, 1, 2])):
        print(f"user {user} -> {recs}")


if __name__ == "__main__":
    main()
