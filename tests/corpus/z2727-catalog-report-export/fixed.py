import json
import os
import random
from collections import defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml
from transformers import BertConfig, BertModel, BertTokenizer

PIPELINE_YAML = """
catalog:
  n_products: 160
  materials: [cotton, polyester, wool, silk, elastane, linen]
  categories: [dress, blazer, tshirt, legging, coat]
encoder:
  vocab_extra: [slim, relaxed, ribbed, knit, crepe, jersey, fleece, lined]
  hidden_size: 32
  layers: 1
  heads: 2
  max_len: 16
training:
  epochs: 3
  batch_size: 16
  lr: 0.0008
  threshold: 0.5
report:
  filename: material_tagging_report.json
seed: 5
"""

COMPOSITION = {
    "dress": ["silk", "polyester", "cotton"],
    "blazer": ["wool", "polyester", "linen"],
    "tshirt": ["cotton", "elastane"],
    "legging": ["elastane", "polyester"],
    "coat": ["wool", "polyester"],
}


def make_products(cfg, rng):
    mats, extras = cfg["catalog"]["materials"], cfg["encoder"]["vocab_extra"]
    out = []
    for i in range(cfg["catalog"]["n_products"]):
        cat = rng.choice(cfg["catalog"]["categories"])
        used = rng.sample(COMPOSITION[cat], k=rng.randint(1, len(COMPOSITION[cat])))
        words = [rng.choice(extras)] + used + [cat]
        rng.shuffle(words)
        out.append({
            "id": f"P{i:04d}",
            "category": cat,
            "title": " ".join(words),
            "target": [1.0 if m in used else 0.0 for m in mats],
        })
    return out


def batches(items, size, rng=None):
    order = list(range(len(items)))
    if rng is not None:
        rng.shuffle(order)
    for start in range(0, len(order), size):
        yield [items[j] for j in order[start:start + size]]


class MaterialTagger(nn.Module):
    def __init__(self, enc, vocab_size, n_materials):
        super().__init__()
        self.bert = BertModel(BertConfig(
            vocab_size=vocab_size, hidden_size=enc["hidden_size"], num_hidden_layers=enc["layers"],
            num_attention_heads=enc["heads"], intermediate_size=2 * enc["hidden_size"],
            max_position_embeddings=enc["max_len"] * 2))
        self.parts = nn.ModuleDict({
            "proj": nn.Linear(enc["hidden_size"], enc["hidden_size"]),
            "materials": nn.Linear(enc["hidden_size"], n_materials),
        })

    def forward(self, **enc):
        cls = self.bert(**enc).last_hidden_state[:, 0]
        return self.parts["materials"](F.gelu(self.parts["proj"](cls)))


def main():
    cfg = yaml.safe_load(PIPELINE_YAML)
    rng = random.Random(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    here = os.path.dirname(os.path.abspath(__file__))

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += cfg["catalog"]["materials"] + cfg["catalog"]["categories"] + cfg["encoder"]["vocab_extra"]
    vocab_file = os.path.join(here, "materials_vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(vocab_file)

    products = make_products(cfg, rng)
    cut = int(len(products) * 0.75)
    train_set, eval_set = products[:cut], products[cut:]
    tcfg = cfg["training"]

    def encode(chunk):
        enc = tok([p["title"] for p in chunk], padding=True, truncation=True,
                  max_length=cfg["encoder"]["max_len"], return_tensors="pt")
        y = torch.tensor([p["target"] for p in chunk])
        return dict(enc), y

    model = MaterialTagger(cfg["encoder"], len(vocab), len(cfg["catalog"]["materials"]))
    opt = torch.optim.AdamW(model.parameters(), lr=tcfg["lr"])
    for epoch in range(tcfg["epochs"]):
        model.train()
        total = 0.0
        for chunk in batches(train_set, tcfg["batch_size"], rng):
            enc, y = encode(chunk)
            loss = F.binary_cross_entropy_with_logits(model(**enc), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(chunk)
        print(f"epoch {epoch} bce {total / len(train_set):.4f}")

    model.eval()
    hits, counts = defaultdict(int), defaultdict(int)
    with torch.no_grad():
        for chunk in batches(eval_set, 32):
            enc, y = encode(chunk)
            pred = (torch.sigmoid(model(**enc)) > tcfg["threshold"]).float()
            exact = (pred == y).all(dim=1)
            for p, ok in zip(chunk, exact):
                hits[p["category"]] += int(ok.item())
                counts[p["category"]] += 1

    report = {
        "n_eval": len(eval_set),
        "materials": cfg["catalog"]["materials"],
        "exact_match_by_category": {c: hits[c] / counts[c] for c in sorted(counts)},
    }
    out_path = os.path.join(here, cfg["report"]["filename"])
    with open(out_path, "w") as fh:
        json.dump(report, fh, indent=2)
    print("wrote", out_path)


if __name__ == "__main__":
    main()
