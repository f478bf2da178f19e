import os
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml
from transformers import BertTokenizer, DistilBertConfig, DistilBertModel

settings = yaml.safe_load("""
seed: 21
tokenizer:
  max_length: 64
  lowercase: true
backbone:
  dim: 32
  n_layers: 1
  n_heads: 2
  hidden_dim: 64
  max_position_embeddings: 64
  dropout: 0.0
train:
  batch_size: 12
  steps: 10
  lr: 0.001
index:
  batch_size: 16
  top_k: 3
""")

rng = random.Random(settings["seed"])
torch.manual_seed(settings["seed"])
workdir = os.path.dirname(os.path.abspath(__file__))

CATS = {
    "outerwear": ["trench", "parka", "peacoat", "anorak", "gilet"],
    "knitwear": ["cardigan", "jumper", "turtleneck", "vest", "pullover"],
    "footwear": ["loafer", "boot", "mule", "sandal", "trainer"],
    "bottoms": ["culotte", "trouser", "jogger", "skirt", "short"],
}
ADJ = ["merino", "suede", "recycled", "chunky", "cropped", "tailored", "waterproof", "lightweight", "pleated"]
COLOURS = ["sand", "stone", "cobalt", "rust", "sage", "ecru", "plum"]
FILLER = ["model", "wears", "size", "is", "cm", "tall", "machine", "wash", "cold", "do", "not",
          "tumble", "dry", "care", "imported", "sustainably", "sourced", "fabric", "lining", "with",
          "and", "pockets", "zip", "button", "closure", "inside", "label"]
SIZES = ["xs", "s", "m", "l", "xl", "xxl"]


def fake_product(i):
    cat = rng.choice(list(CATS))
    item = rng.choice(CATS[cat])
    title = f"{rng.choice(COLOURS)} {rng.choice(ADJ)} {item}"
    chart = " ".join(f"{s} chest {86 + 4 * k} waist {70 + 4 * k}" for k, s in enumerate(SIZES))
    blurb = " ".join(rng.choice(FILLER + ADJ) for _ in range(rng.randint(20, 45)))
    return {"id": f"P{i:04d}", "title": title, "description": f"{blurb} size guide {chart}", "category": cat}


def build_vocab_file(rows):
    tokens = set()
    for r in rows:
        tokens.update(r["title"].split())
        tokens.update(r["description"].split())
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as f:
        for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(tokens):
            f.write(t + "\n")
    return path


class CatalogModel(nn.Module):
    def __init__(self, vocab_size, n_classes):
        super().__init__()
        cfg = DistilBertConfig(vocab_size=vocab_size, **settings["backbone"])
        self.nets = nn.ModuleDict({
            "backbone": DistilBertModel(cfg),
            "proj": nn.Linear(cfg.dim, cfg.dim),
            "classifier": nn.Linear(cfg.dim, n_classes),
        })

    def embed(self, input_ids, attention_mask):
        hidden = self.nets["backbone"](input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        m = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(dim=1) / m.sum(dim=1).clamp_min(1.0)
        return F.normalize(self.nets["proj"](pooled), dim=-1)

    def forward(self, input_ids, attention_mask):
        return self.nets["classifier"](self.embed(input_ids, attention_mask))


def train(model, tok, rows, cat2id):
    opt = torch.optim.Adam(model.parameters(), lr=settings["train"]["lr"])
    bs = settings["train"]["batch_size"]
    model.train()
    for step in range(settings["train"]["steps"]):
        chunk = rng.sample(rows, bs)
        enc = tok([r["title"] for r in chunk], [r["description"] for r in chunk],
                  padding=True, truncation=True, max_length=settings["tokenizer"]["max_length"],
                  return_tensors="pt")
        y = torch.tensor([cat2id[r["category"]] for r in chunk])
        loss = F.cross_entropy(model(enc["input_ids"], enc["attention_mask"]), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step} loss {loss.item():.4f}")


def make_embedder(model, tok):
    @torch.no_grad()
    def embed_texts(texts):
        model.eval()
        enc = tok(texts, padding=True, truncation=True, max_length=settings["tokenizer"]["max_length"],
                  return_tensors="pt")
        return model.embed(enc["input_ids"], enc["attention_mask"])
    return embed_texts


def build_index(rows, embed_texts):
    bs = settings["index"]["batch_size"]
    vecs = []
    for i in range(0, len(rows), bs):
        docs = [f"{r['title']} {r['description']}" for r in rows[i:i + bs]]
        vecs.append(embed_texts(docs))
    return torch.cat(vecs).numpy()


def main():
    rows = [fake_product(i) for i in range(120)]
    vocab_path = build_vocab_file(rows)
    tok = BertTokenizer(vocab_path, do_lower_case=settings["tokenizer"]["lowercase"])
    cat2id = {c: i for i, c in enumerate(sorted(CATS))}
    model = CatalogModel(len(tok), len(cat2id))

    train(model, tok, rows, cat2id)

    embed_texts = make_embedder(model, tok)
    index = build_index(rows, embed_texts)
    print("index shape", index.shape)

    queries = ["waterproof parka", "suede loafer", "merino cardigan"]
    q = embed_texts(queries).numpy()
    scores = q @ index.T
    for query, row in zip(queries, scores):
        best = np.argsort(-row)[: settings["index"]["top_k"]]
        print(query, "->", [rows[j]["title"] for j in best])


if __name__ == "__main__":
    main()
