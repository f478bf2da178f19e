import os
from collections import deque

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 11
N_EPISODES = 60
MIN_LEN, MAX_LEN_EP = 8, 30
MAX_SEQ = 24
BATCH_SIZE = 16
EPOCHS = 2
LR = 5e-4
REPLAY_CAP = 2000
IGNORE = -100

EVENTS = ["melee", "ranged", "wallleft", "wallright", "lowhp",
          "pickup", "clear", "ledge", "projectile"]
ACTIONS = ["noop", "left", "right", "jump", "attack", "dodge", "heal"]
ACT2ID = {a: i for i, a in enumerate(ACTIONS)}

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "event_vocab.txt")

rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + EVENTS) + "\n")


def expert(event):
    table = {
        "melee": "attack", "ranged": "right", "wallleft": "right",
        "wallright": "left", "lowhp": "heal", "pickup": "right",
        "clear": "right", "ledge": "jump", "projectile": "dodge",
    }
    if rng.random() < 0.1:
        return ACTIONS[int(rng.integers(len(ACTIONS)))]
    return table[event]


def make_episodes(n):
    eps = deque(maxlen=REPLAY_CAP)
    for i in range(n):
        T = int(rng.integers(MIN_LEN, MAX_LEN_EP))
        probs = rng.dirichlet(np.ones(len(EVENTS)))
        events = list(rng.choice(EVENTS, size=T, p=probs))
        eps.append({"ep": i, "events": events, "actions": [expert(e) for e in events]})
    return eps


class TrajectoryDataset(Dataset):
    def __init__(self, episodes, tokenizer):
        self.items = []
        for ep in episodes:
            enc = tokenizer(" ".join(ep["events"]), truncation=True, max_length=MAX_SEQ,
                            padding="max_length")
            ids = enc["input_ids"]
            labels = np.full(len(ids), IGNORE, dtype=np.int64)
            acts = [ACT2ID[a] for a in ep["actions"]][: MAX_SEQ - 2]
            labels[1:1 + len(acts)] = acts
            self.items.append({
                "input_ids": torch.tensor(ids),
                "attention_mask": torch.tensor(enc["attention_mask"]),
                "labels": torch.from_numpy(labels),
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class EventPolicy(nn.Module):
    def __init__(self, vocab_size, n_actions):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=MAX_SEQ + 8)
        self.encoder = BertModel(cfg)
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(cfg.hidden_size, n_actions)

    def forward(self, input_ids, attention_mask):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(self.drop(h))


def train():
    write_vocab(VOCAB_PATH)
    tok = BertTokenizer(VOCAB_PATH)
    episodes = make_episodes(N_EPISODES)
    ds = TrajectoryDataset(episodes, tok)
    dl = DataLoader(ds, batch_size=BATCH_SIZE, shuffle=True, drop_last=True)

    model = EventPolicy(tok.vocab_size, len(ACTIONS))
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)

    for epoch in range(EPOCHS):
        model.train()
        tot, n = 0.0, 0
        for batch in dl:
            logits = model(batch["input_ids"], batch["attention_mask"])
            loss = F.cross_entropy(logits, batch["labels"], ignore_index=IGNORE)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item()
            n += 1
        print(f"epoch {epoch}: bc loss {tot / max(n, 1):.4f}")

    model.eval()
    sample = ds[0]
    with torch.no_grad():
        pred = model(sample["input_ids"][None], sample["attention_mask"][None]).argmax(-1)[0]
    mask = sample["labels"] != IGNORE
    acc = (pred[mask] == sample["labels"][mask]).float().mean().item()
    print(f"episode 0 action match: {acc:.2f}")


if __name__ == "__main__":
    try:
        train()
    finally:
        if os.path.exists(VOCAB_PATH):
            os.remove(VOCAB_PATH)
