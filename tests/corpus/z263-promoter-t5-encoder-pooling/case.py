import itertools
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import T5Config, T5EncoderModel

random.seed(7)
torch.manual_seed(7)

K = 3
KMERS = ["".join(p) for p in itertools.product("ACGT", repeat=K)]
SPECIAL = ["<pad>", "<unk>"]
kmer_to_id = {k: i for i, k in enumerate(SPECIAL + KMERS)}


def random_dna(n):
    return "".join(random.choice("ACGT") for _ in range(n))


def make_promoter_set(n):
    """Positives carry a TATA box ~30bp upstream of the end; negatives are background."""
    data = {"sequence": [], "is_promoter": []}
    for i in range(n):
        length = random.randint(60, 90)
        s = random_dna(length)
        if i % 2 == 0:
            pos = length - 35
            s = s[:pos] + "TATAAAAG" + s[pos + 8:]
        data["sequence"].append(s)
        data["is_promoter"].append(i % 2 == 0)
    return data


def kmerize(seq):
    return [kmer_to_id.get(seq[i:i + K], 1) for i in range(0, len(seq) - K + 1, K)]


def batch_from(data, rows):
    ids = [kmerize(data["sequence"][r]) for r in rows]
    width = max(map(len, ids))
    tok = torch.zeros(len(ids), width, dtype=torch.long)
    att = torch.zeros(len(ids), width, dtype=torch.long)
    for j, row in enumerate(ids):
        tok[j, :len(row)] = torch.tensor(row)
        att[j, :len(row)] = 1
    y = torch.tensor([int(data["is_promoter"][r]) for r in rows])
    return tok, att, y


class PromoterClassifier(nn.Module):
    def __init__(self, cfg, n_classes=2):
        super().__init__()
        self.encoder = T5EncoderModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(cfg.d_model, n_classes)

    def forward(self, tok, att):
        h = self.encoder(input_ids=tok, attention_mask=att).last_hidden_state
        m = att.unsqueeze(-1).float()
        mean_pool = (h * m).sum(1) / m.sum(1)
        max_pool = h.masked_fill(m == 0, -1e4).max(1).values
        pooled = torch.cat([mean_pool, max_pool], dim=-1)
        return self.head(self.dropout(pooled))


config = T5Config(vocab_size=len(kmer_to_id), d_model=32, d_kv=16, d_ff=64, num_layers=2,
                  num_heads=2, dropout_rate=0.1, pad_token_id=0)
clf = PromoterClassifier(config)
optimizer = torch.optim.AdamW(clf.parameters(), lr=1e-3)

train = make_promoter_set(16)
valid = make_promoter_set(16)

for epoch in range(1):
    clf.train()
    order = list(range(len(train["sequence"])))
    random.shuffle(order)
    for s in range(0, len(order), 8):
        tok, att, y = batch_from(train, order[s:s + 8])
        loss = F.cross_entropy(clf(tok, att), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    clf.eval()
    with torch.no_grad():
        tok, att, y = batch_from(valid, range(len(valid["sequence"])))
        acc = (clf(tok, att).argmax(-1) == y).float().mean().item()
    print(f"epoch {epoch}: train loss {loss.item():.3f}, valid acc {acc:.2f}")

torch.save(clf.state_dict(), tempfile.mkdtemp() + "/promoter_t5.pt")
