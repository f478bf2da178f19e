import math
import os
import re
import tempfile
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertTokenizer

torch.manual_seed(0)

STEPS = [
    ("chop the onion and mince the garlic", 0),
    ("dice 2 carrots into small cubes", 0),
    ("whisk 3 eggs with 200 g of flour", 0),
    ("boil the pasta for 10 minutes", 1),
    ("fry the onion in 2 tbsp of oil", 1),
    ("simmer the sauce for 20 minutes", 1),
    ("bake at 180 degrees for 35 minutes", 1),
    ("garnish with fresh basil and serve", 2),
    ("plate the pasta and add cheese", 2),
    ("serve warm with 1 slice of bread", 2),
]
STAGES = ["prep", "cook", "serve"]
UNITS = {"g", "tbsp", "minutes", "degrees", "slice"}
DOMAIN_TOKENS = ["<qty>", "<unit>"]


def build_tokenizer(workdir):
    words = sorted({w for text, _ in STEPS for w in text.split()
                    if not w.isdigit() and w not in UNITS})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(workdir, "recipe_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(path)
    tok.add_tokens(DOMAIN_TOKENS)
    return tok


def normalize_step(text):
    text = re.sub(r"\b\d+\b", "<qty>", text)
    return " ".join("<unit>" if w in UNITS else w for w in text.split())


def sinusoid_table(n_pos, dim):
    pos = torch.arange(n_pos).float().unsqueeze(1)
    freq = torch.exp(torch.arange(0, dim, 2).float() * (-math.log(10000.0) / dim))
    table = torch.zeros(n_pos, dim)
    table[:, 0::2] = torch.sin(pos * freq)
    table[:, 1::2] = torch.cos(pos * freq)
    return table


class StepAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.hd = dim // heads
        self.wq = nn.Linear(dim, dim)
        self.wk = nn.Linear(dim, dim)
        self.wv = nn.Linear(dim, dim)
        self.wo = nn.Linear(dim, dim)

    def split(self, t):
        b, n, _ = t.shape
        return t.view(b, n, self.heads, self.hd).permute(0, 2, 1, 3)

    def forward(self, h, keep):
        q, k, v = self.split(self.wq(h)), self.split(self.wk(h)), self.split(self.wv(h))
        logits = torch.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(self.hd)
        logits = logits.masked_fill(~keep[:, None, None, :], float("-inf"))
        mixed = torch.einsum("bhqk,bhkd->bhqd", logits.softmax(-1), v)
        b, _, n, _ = mixed.shape
        return self.wo(mixed.permute(0, 2, 1, 3).reshape(b, n, -1))


class StepStageClassifier(nn.Module):
    def __init__(self, n_words, dim=32, heads=2, n_stages=3, max_len=32):
        super().__init__()
        self.word_emb = nn.Embedding(n_words, dim, padding_idx=0)
        self.register_buffer("pos_table", sinusoid_table(max_len, dim))
        self.attn = StepAttention(dim, heads)
        self.ln1 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.ReLU(), nn.Linear(2 * dim, dim))
        self.ln2 = nn.LayerNorm(dim)
        self.cls = nn.Linear(dim, n_stages)

    def forward(self, word_ids, keep):
        h = self.word_emb(word_ids) + self.pos_table[: word_ids.size(1)]
        h = self.ln1(h + self.attn(h, keep))
        h = self.ln2(h + self.mlp(h))
        return self.cls(h[:, 0])


def main():
    workdir = tempfile.mkdtemp()
    tok = build_tokenizer(workdir)
    texts = [normalize_step(t) for t, _ in STEPS]
    stage_ids = torch.tensor([s for _, s in STEPS])
    enc = tok(texts, padding=True, return_tensors="pt")
    word_ids = enc["input_ids"]
    keep = enc["attention_mask"].bool()
    print("steps:", word_ids.shape, "vocab:", tok.vocab_size)

    model = StepStageClassifier(n_words=len(tok), n_stages=len(STAGES))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    for epoch in range(30):
        logits = model(word_ids, keep)
        loss = F.cross_entropy(logits, stage_ids)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch}  loss {loss.item():.3f}")

    with torch.no_grad():
        pred = model(word_ids, keep).argmax(-1)
    for text, p in zip(texts[:3], pred[:3]):
        print(f"{STAGES[p]:>6}  {text}")
    print("train acc:", (pred == stage_ids).float().mean().item())


if __name__ == "__main__":
    main()
