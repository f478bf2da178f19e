import os
import random
from typing import NamedTuple, List, Tuple, Dict

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "item_vocab.txt")

WORDS = ["wireless", "earbuds", "noise", "cancelling", "bluetooth", "speaker", "portable",
         "usb", "charger", "fast", "cable", "leather", "wallet", "slim", "running", "shoes",
         "men", "women", "coffee", "grinder", "steel", "kettle", "electric", "yoga", "mat",
         "non", "slip", "desk", "lamp", "led", "gaming", "mouse", "keyboard", "mechanical"]

with open(VOCAB_PATH, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")

tokenizer = BertTokenizer(VOCAB_PATH)

NUM_USERS = 60
NUM_ITEMS = 40
EMB_DIM = 32
MAX_TITLE_LEN = 12
NUM_NEG = 3

item_titles: Dict[int, str] = {
    iid: " ".join(random.choices(WORDS, k=random.randint(2, 7))) for iid in range(NUM_ITEMS)
}

interaction_log: List[Tuple[int, int, float]] = [
    (random.randrange(NUM_USERS), random.randrange(NUM_ITEMS), float(random.randint(1, 5)))
    for _ in range(400)
]

feature_store: Dict[str, List] = {"input_ids": [], "attention_mask": []}
for iid in range(NUM_ITEMS):
    enc = tokenizer(item_titles[iid], truncation=True, max_length=MAX_TITLE_LEN, padding="max_length")
    feature_store["input_ids"].append(enc["input_ids"])
    feature_store["attention_mask"].append(enc["attention_mask"])


class PairBatch(NamedTuple):
    user: torch.Tensor
    pos_ids: torch.Tensor
    pos_mask: torch.Tensor
    neg_ids: torch.Tensor
    neg_mask: torch.Tensor


class InteractionDataset(Dataset):
    def __init__(self, log, store, num_items, num_neg):
        self.rows = [(u, i) for (u, i, r) in log if r >= 3]
        self.store = store
        self.num_items = num_items
        self.num_neg = num_neg

    def __len__(self):
        return len(self.rows)

    def _title(self, iid):
        return (torch.tensor(self.store["input_ids"][iid]),
                torch.tensor(self.store["attention_mask"][iid]))

    def __getitem__(self, idx):
        user, pos = self.rows[idx]
        negs = []
        while len(negs) < self.num_neg:
            cand = random.randrange(self.num_items)
            if cand != pos:
                negs.append(cand)
        pos_ids, pos_mask = self._title(pos)
        neg_titles = [self._title(n) for n in negs]
        return {
            "user": torch.tensor(user),
            "pos_ids": pos_ids,
            "pos_mask": pos_mask,
            "neg_ids": torch.stack([t[0] for t in neg_titles]),
            "neg_mask": torch.stack([t[1] for t in neg_titles]),
        }


def to_batch(d) -> PairBatch:
    return PairBatch(d["user"], d["pos_ids"], d["pos_mask"], d["neg_ids"], d["neg_mask"])


class UserTower(nn.Module):
    def __init__(self, n_users, dim):
        super().__init__()
        self.emb = nn.Embedding(n_users, dim)

    def forward(self, u):
        return F.normalize(self.emb(u), dim=-1)


class TitleTower(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=dim, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=MAX_TITLE_LEN + 4)
        self.bert = BertModel(cfg)

    def forward(self, ids, mask):
        out = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).float()
        pooled = (out * m).sum(1) / m.sum(1).clamp(min=1.0)
        return F.normalize(pooled, dim=-1)


user_tower = UserTower(NUM_USERS, EMB_DIM)
title_tower = TitleTower(tokenizer.vocab_size, EMB_DIM)
params = list(user_tower.parameters()) + list(title_tower.parameters())
opt = torch.optim.AdamW(params, lr=1e-3)

ds = InteractionDataset(interaction_log, feature_store, NUM_ITEMS, NUM_NEG)
loader = DataLoader(ds, batch_size=16, shuffle=True)
temperature = 0.1

for epoch in range(2):
    total = 0.0
    for raw in loader:
        batch = to_batch(raw)
        bsz = batch.user.size(0)
        u = user_tower(batch.user)
        pos = title_tower(batch.pos_ids, batch.pos_mask)
        neg = title_tower(batch.neg_ids.view(bsz * NUM_NEG, -1),
                          batch.neg_mask.view(bsz * NUM_NEG, -1)).view(bsz, NUM_NEG, -1)
        pos_score = (u * pos).sum(-1, keepdim=True)
        neg_score = torch.einsum("bd,bnd->bn", u, neg)
        logits = torch.cat([pos_score, neg_score], dim=1) / temperature
        loss = F.cross_entropy(logits, torch.zeros(bsz, dtype=torch.long))
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(f"epoch {epoch} loss {total / len(loader):.4f}")

os.remove(VOCAB_PATH)
