import os
import random
from dataclasses import dataclass, field
from typing import Dict, List

import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml
from transformers import BertConfig, BertModel, BertTokenizer

CFG = yaml.safe_load("""
seed: 13
catalog:
  size: 96
  fields: [title, attributes, size_chart]
encoder:
  hidden_size: 32
  num_hidden_layers: 1
  num_attention_heads: 2
  intermediate_size: 64
  max_position_embeddings: 128
  type_vocab_size: 2
optim:
  lr: 0.0005
  batch_size: 8
  steps: 12
""")

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = ["xs", "s", "m", "l", "xl"]
GARMENTS = ["blazer", "trouser", "shirt", "skirt", "coat", "hoodie", "dress", "chino"]
COLORS = ["camel", "ivory", "charcoal", "olive", "burgundy", "navy"]
MATERIALS = ["wool", "linen", "cotton", "viscose", "cashmere", "polyester"]
FITS = ["slim", "regular", "relaxed"]
MEASURES = ["chest", "waist", "hip", "length"]

random.seed(CFG["seed"])
torch.manual_seed(CFG["seed"])


@dataclass
class Product:
    title: str
    attributes: Dict[str, str]
    size_chart: Dict[str, Dict[str, int]]
    fit: str = field(default="regular")


def make_product() -> Product:
    garment = random.choice(GARMENTS)
    color, material, fit = random.choice(COLORS), random.choice(MATERIALS), random.choice(FITS)
    title = f"{color} {material} {fit} {garment}"
    attrs = {"color": color, "material": material, "fit": fit}
    base = random.randint(80, 96)
    chart = {s: {m: base + 4 * i + random.randint(-1, 1) for m in MEASURES[:3]} for i, s in enumerate(SIZES)}
    return Product(title=title, attributes=attrs, size_chart=chart, fit=fit)


def render(p: Product, name: str) -> str:
    if name == "title":
        return p.title
    if name == "attributes":
        return " ".join(f"{k} {v}" for k, v in p.attributes.items())
    if name == "size_chart":
        return " ".join(f"{s} " + " ".join(f"{m} {v}" for m, v in row.items()) for s, row in p.size_chart.items())
    raise KeyError(name)


def write_vocab(products: List[Product]) -> str:
    words = set()
    for p in products:
        for name in CFG["catalog"]["fields"]:
            words.update(render(p, name).split())
    words.update(str(n) for n in range(70, 130))
    path = os.path.join(HERE, "catalog_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


def encode(tok: BertTokenizer, p: Product):
    ids, segs = [tok.cls_token_id], [0]
    for seg_id, name in enumerate(CFG["catalog"]["fields"]):
        piece = tok.encode(render(p, name), add_special_tokens=False) + [tok.sep_token_id]
        ids.extend(piece)
        segs.extend([seg_id] * len(piece))
    return ids, segs


def batches(tok, products, fit2id, bs):
    while True:
        random.shuffle(products)
        for i in range(0, len(products) - bs + 1, bs):
            chunk = [encode(tok, p) for p in products[i:i + bs]]
            width = max(len(ids) for ids, _ in chunk)
            yield {
                "input_ids": torch.tensor([ids + [tok.pad_token_id] * (width - len(ids)) for ids, _ in chunk]),
                "token_type_ids": torch.tensor([segs + [0] * (width - len(segs)) for _, segs in chunk]),
                "attention_mask": torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids, _ in chunk]),
                "labels": torch.tensor([fit2id[p.fit] for p in products[i:i + bs]]),
            }


class FitClassifier(nn.Module):
    def __init__(self, vocab_size: int, n_labels: int):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, **CFG["encoder"])
        self.parts = nn.ModuleDict({
            "encoder": BertModel(bert_cfg),
            "pre": nn.Linear(bert_cfg.hidden_size, bert_cfg.hidden_size),
            "head": nn.Linear(bert_cfg.hidden_size, n_labels),
        })

    def forward(self, input_ids, token_type_ids, attention_mask):
        out = self.parts["encoder"](input_ids=input_ids, token_type_ids=token_type_ids,
                                    attention_mask=attention_mask)
        mask = attention_mask.unsqueeze(-1).float()
        mean = (out.last_hidden_state * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.parts["head"](F.relu(self.parts["pre"](mean)))


def main():
    products = [make_product() for _ in range(CFG["catalog"]["size"])]
    vocab_path = write_vocab(products)
    tok = BertTokenizer(vocab_path)
    fit2id = {f: i for i, f in enumerate(FITS)}

    sample_ids, sample_segs = encode(tok, products[0])
    print("example:", tok.convert_ids_to_tokens(sample_ids)[:12], "... len", len(sample_ids))

    model = FitClassifier(len(tok), len(fit2id))
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["optim"]["lr"])
    stream = batches(tok, products, fit2id, CFG["optim"]["batch_size"])

    model.train()
    for step in range(CFG["optim"]["steps"]):
        batch = next(stream)
        labels = batch.pop("labels")
        logits = model(**batch)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 4 == 0:
            print(f"step {step:02d} loss {loss.item():.4f}")
    print("done")


if __name__ == "__main__":
    main()
