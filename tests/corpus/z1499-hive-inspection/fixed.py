# hive inspection notes -> colony state
# bert encoder (random init, tiny) + own pooling head, trained by hand
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

STATES = ["queenright", "queenless", "swarm_prep", "disease_suspect"]
LOG = [
    ("eggs and young larvae seen , calm bees , good brood pattern", "queenright"),
    ("no eggs no young brood , roaring , emergency cells started", "queenless"),
    ("several capped queen cells along bottom bars , crowded , backfilled brood nest", "swarm_prep"),
    ("sunken perforated cappings , ropey larva on matchstick test", "disease_suspect"),
    ("queen spotted on frame four , eggs present , stores ok", "queenright"),
    ("laying workers , multiple eggs per cell on walls", "queenless"),
    ("play cups charged with royal jelly , drones abundant , little space", "swarm_prep"),
    ("chalky mummies on landing board , spotty brood", "disease_suspect"),
]

x = [note for note, _ in LOG]
workdir = tempfile.mkdtemp(prefix="hives_")
vpath = os.path.join(workdir, "vocab.txt")
with open(vpath, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for t in x for w in t.split()})))
tok = BertTokenizer(vpath)

cfg = BertConfig(
    vocab_size=len(tok),
    hidden_size=30,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=60,
    max_position_embeddings=40,
    hidden_dropout_prob=0.1,
)


class HiveHead(nn.Module):
    """masked mean over tokens, then a small classifier"""

    def __init__(self, hidden, n_states, p=0.1):
        super().__init__()
        self.drop = nn.Dropout(p)
        self.proj = nn.Linear(hidden, n_states)

    def forward(self, states, attn):
        w = attn.unsqueeze(-1).to(states.dtype)
        pooled = (states * w).sum(1) / w.sum(1)
        return self.proj(self.drop(pooled))


try:
    model = BertModel(cfg, add_pooling_layer=False)
except ValueError as e:
    print("encoder build failed:", e)
    cfg.hidden_size = 32
    cfg.intermediate_size = 64
    model = BertModel(cfg, add_pooling_layer=False)
head = HiveHead(cfg.hidden_size, len(STATES))
print("encoder hidden:", model.config.hidden_size, "| heads:", model.config.num_attention_heads)

x = tok(x, padding=True, return_tensors="pt")
y = torch.tensor([STATES.index(s) for _, s in LOG])
assert x["input_ids"].shape[0] == len(y)
print("ids", tuple(x["input_ids"].shape), "targets", y.tolist())

params = list(model.parameters()) + list(head.parameters())
opt = torch.optim.AdamW(params, lr=1e-3)
loss_fn = nn.CrossEntropyLoss()


def run_epoch(ep, bs=4):
    order = list(range(len(y)))
    random.shuffle(order)
    model.train()
    head.train()
    seen = 0.0
    for i in range(0, len(order), bs):
        idx = order[i:i + bs]
        ids, am = x["input_ids"][idx], x["attention_mask"][idx]
        hs = model(input_ids=ids, attention_mask=am).last_hidden_state
        logits = head(hs, am)
        loss = loss_fn(logits, y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        seen += loss.item() * len(idx)
    print(f"epoch {ep} mean loss {seen / len(y):.4f}")


for ep in range(3):
    run_epoch(ep)

model.eval()
head.eval()
with torch.no_grad():
    guess = head(model(**x).last_hidden_state, x["attention_mask"]).argmax(-1)
print("fit acc:", (guess == y).float().mean().item())
