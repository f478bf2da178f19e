import random
from collections import defaultdict
from typing import NamedTuple, List, Dict

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(0)
random.seed(0)

N_USERS = 200
N_ITEMS = 500
PAD_ID = 0
MAX_HIST = 50
D_MODEL = 32
N_HEADS = 4


def make_logs(n_users: int, n_items: int):
    logs = []
    for uid in range(n_users):
        n = random.randint(4, 30)
        start = random.randint(1, n_items - 40)
        t = 0
        for _ in range(n):
            t += random.randint(1, 500)
            iid = min(n_items - 1, max(1, start + random.randint(-15, 25)))
            logs.append((uid, iid, t))
    random.shuffle(logs)
    return logs


interaction_log = make_logs(N_USERS, N_ITEMS)

histories: Dict[int, List[int]] = defaultdict(list)
for uid, iid, ts in sorted(interaction_log, key=lambda x: (x[0], x[2])):
    histories[uid].append(iid)


class NextItemExample(NamedTuple):
    hist: torch.Tensor
    target: torch.Tensor


class NextItemDataset(Dataset):
    def __init__(self, histories: Dict[int, List[int]], max_hist: int):
        self.examples = []
        for uid, seq in histories.items():
            if len(seq) < 2:
                continue
            prefix = seq[:-1][-max_hist:]
            self.examples.append(NextItemExample(torch.tensor(prefix), torch.tensor(seq[-1])))

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, i):
        return self.examples[i]


def collate(examples: List[NextItemExample]):
    lengths = torch.tensor([len(e.hist) for e in examples])
    padded = pad_sequence([e.hist for e in examples], batch_first=True, padding_value=PAD_ID)
    key_padding_mask = torch.arange(padded.size(1))[None, :] >= lengths[:, None]
    return {
        "hist": padded,
        "pad_mask": key_padding_mask,
        "lengths": lengths,
        "target": torch.stack([e.target for e in examples]),
    }


class UserSeqTower(nn.Module):
    def __init__(self, item_emb: nn.Embedding, max_len: int):
        super().__init__()
        self.item_emb = item_emb
        self.pos_emb = nn.Embedding(max_len, D_MODEL)
        layer = nn.TransformerEncoderLayer(D_MODEL, N_HEADS, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)

    def forward(self, hist, pad_mask, lengths):
        positions = torch.arange(hist.size(1)).unsqueeze(0)
        x = self.item_emb(hist) + self.pos_emb(positions)
        h = self.encoder(x, src_key_padding_mask=pad_mask)
        last = h[torch.arange(hist.size(0)), lengths - 1]
        return F.normalize(last, dim=-1)


class TwoTower(nn.Module):
    def __init__(self):
        super().__init__()
        self.items = nn.Embedding(N_ITEMS, D_MODEL, padding_idx=PAD_ID)
        self.user_tower = UserSeqTower(self.items, MAX_HIST)
        self.item_proj = nn.Linear(D_MODEL, D_MODEL)

    def item_vectors(self, ids):
        return F.normalize(self.item_proj(self.items(ids)), dim=-1)

    def forward(self, batch):
        u = self.user_tower(batch["hist"], batch["pad_mask"], batch["lengths"])
        v = self.item_vectors(batch["target"])
        return u @ v.T


model = TwoTower()
dataset = NextItemDataset(histories, MAX_HIST)
loader = DataLoader(dataset, batch_size=32, shuffle=True, collate_fn=collate)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
tau = 0.07

for epoch in range(3):
    model.train()
    losses = []
    for batch in loader:
        logits = model(batch) / tau
        labels = torch.arange(logits.size(0))
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    print(f"epoch {epoch} in-batch softmax loss {sum(losses) / len(losses):.4f}")
