"""Patent-claim retrieval: encode claims with a small BERT, project the pooled
vector to a compact search space, and score claims against a query."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

CLAIMS = [
    "a fastening device comprising a threaded shaft and a locking washer",
    "a method of cooling a battery pack using a liquid channel",
    "a hinge assembly having a spring loaded pin",
    "a battery housing with a liquid cooling plate",
]
QUERY = "liquid cooling for a battery"
SEARCH_DIM = 32


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


def small_config(vocab_size, hidden=64, layers=2):
    return BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=layers,
                      num_attention_heads=4, intermediate_size=hidden * 2,
                      max_position_embeddings=64)


class ClaimEncoder(nn.Module):
    def __init__(self, bert, proj):
        super().__init__()
        self.bert = bert
        self.proj = proj

    def forward(self, input_ids, attention_mask):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask)
        mask = attention_mask.unsqueeze(-1).float()
        pooled = (out.last_hidden_state * mask).sum(1) / mask.sum(1)
        return F.normalize(self.proj(pooled), dim=-1)


tok = BertTokenizer(write_vocab(CLAIMS + [QUERY]))
bert = BertModel(small_config(len(tok)))

proj = nn.Linear(bert.config.hidden_size, SEARCH_DIM)
with torch.device("meta"):
    # size check for the production encoder without allocating its weights
    big = BertModel(small_config(len(tok), hidden=768, layers=12))
    n_big = sum(p.numel() for p in big.parameters())
print(f"production encoder would have {n_big / 1e6:.1f}M params")

encoder = ClaimEncoder(bert, proj)
encoder.eval()

claims = tok(CLAIMS, padding=True, return_tensors="pt")
query = tok([QUERY], padding=True, return_tensors="pt")
with torch.no_grad():
    claim_vecs = encoder(claims["input_ids"], claims["attention_mask"])
    query_vec = encoder(query["input_ids"], query["attention_mask"])

scores = (query_vec @ claim_vecs.T).squeeze(0)
for rank, idx in enumerate(scores.argsort(descending=True).tolist(), start=1):
    print(f"{rank}. {scores[idx]:.3f}  {CLAIMS[idx]}")
