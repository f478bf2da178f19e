"""Part-of-speech tagger with a small pre-norm Transformer encoder written from scratch (attention, feed-forward,
residuals), trained on a handful of tagged sentences."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
tagged = [
    [("the", "DET"), ("dog", "NOUN"), ("barks", "VERB")],
    [("a", "DET"), ("cat", "NOUN"), ("sleeps", "VERB"), ("quietly", "ADV")],
    [("dogs", "NOUN"), ("run", "VERB"), ("fast", "ADV")],
    [("the", "DET"), ("small", "ADJ"), ("cat", "NOUN"), ("runs", "VERB")],
]
word2id = {"<pad>": 0}
tag2id = {}
for sent in tagged:
    for w, t in sent:
        word2id.setdefault(w, len(word2id))
        tag2id.setdefault(t, len(tag2id))


class Block(nn.Module):
    def __init__(self, d_model, n_heads, ff_mult=4, dropout=0.1):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.attn = nn.MultiheadAttention(d_model, n_heads, dropout=dropout, batch_first=True)
        self.ln2 = nn.LayerNorm(d_model)
        self.ffn = nn.Sequential(nn.Linear(d_model, ff_mult * d_model), nn.GELU(), nn.Dropout(dropout))

    def forward(self, x, pad_mask):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, key_padding_mask=pad_mask, need_weights=False)[0]
        return x + self.ffn(self.ln2(x))


class Tagger(nn.Module):
    def __init__(self, n_words, n_tags, d_model=32, n_heads=2, n_layers=2, max_len=16):
        super().__init__()
        self.tok = nn.Embedding(n_words, d_model, padding_idx=0)
        self.pos = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList(Block(d_model, n_heads) for _ in range(n_layers))
        self.out = nn.Linear(d_model, n_tags)

    def forward(self, input_ids):
        pad_mask = input_ids == 0
        x = self.tok(input_ids) + self.pos(torch.arange(input_ids.size(1)))
        for block in self.blocks:
            x = block(x, pad_mask)
        return self.out(x)


def batchify(sents):
    width = max(map(len, sents))
    ids = torch.tensor([[word2id[w] for w, _ in s] + [0] * (width - len(s)) for s in sents])
    tags = torch.tensor([[tag2id[t] for _, t in s] + [-100] * (width - len(s)) for s in sents])
    return ids, tags


model = Tagger(len(word2id), len(tag2id))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
ids, tags = batchify(tagged)
for step in range(30):
    logits = model(ids)
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tags.reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print("final loss", round(loss.item(), 3))
