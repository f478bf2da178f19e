"""Chapter 4, section 4.3: pooling ablation for crevasse-risk classification.

Field notes from the 2023 traverse, tiny BERT trained from scratch (no pretrained
weights on the field laptop). Each variant changes exactly one thing w.r.t. BASE.
"""
import dataclasses
import os
import random
import tempfile
from collections import defaultdict
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

NOTES = [
    ("fresh snow bridge over open crevasse near waypoint nine", 2),
    ("blue ice exposed, firm footing, no visible cracks", 0),
    ("sagging surface and hollow sound under the probe", 2),
    ("meltwater channel crossing, sastrugi on the ridge", 1),
    ("old wands buried, route unclear after whiteout", 1),
    ("hard packed firn, good traction, clear sky", 0),
    ("series of parallel cracks near the icefall margin", 2),
    ("slush pools forming on lower tongue in the afternoon", 1),
]
RISK = ["low", "moderate", "high"]

_TOKENIZER_CACHE = {}


def get_tokenizer(workdir):
    # building the vocab is cheap but BertTokenizer init is not, keep one per run dir
    if workdir not in _TOKENIZER_CACHE:
        words = sorted({w.strip(",.") for text, _ in NOTES for w in text.split()})
        path = os.path.join(workdir, "vocab.txt")
        with open(path, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
        _TOKENIZER_CACHE[workdir] = BertTokenizer(path)
    return _TOKENIZER_CACHE[workdir]


@dataclass
class Experiment:
    name: str = "baseline"
    hidden_size: int = 32
    num_layers: int = 1
    num_heads: int = 2
    ffn_size: int = 64
    max_len: int = 20
    dropout: float = 0.1
    pooling: str = "cls"  # cls | mean | cls+mean
    lr: float = 3e-4
    weight_decay: float = 0.01
    epochs: int = 1
    batch_size: int = 4
    num_classes: int = len(RISK)
    seeds: tuple = (0, 1)
    notes: str = ""


class RiskClassifier(nn.Module):
    def __init__(self, exp, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=exp.hidden_size,
                         num_hidden_layers=exp.num_layers, num_attention_heads=exp.num_heads,
                         intermediate_size=exp.ffn_size, max_position_embeddings=64,
                         hidden_dropout_prob=exp.dropout)
        self.encoder = BertModel(cfg)
        self.pooling = exp.pooling
        self.drop = nn.Dropout(exp.dropout)
        pooled_dim = exp.hidden_size * (2 if exp.pooling == "cls+mean" else 1)
        self.head = nn.Linear(pooled_dim, exp.num_classes)

    def pool(self, hidden, attn):
        cls_vec = hidden[:, 0]
        w = attn.unsqueeze(-1).to(hidden.dtype)
        mean_vec = (hidden * w).sum(1) / w.sum(1)
        if self.pooling == "cls":
            return cls_vec
        if self.pooling == "mean":
            return mean_vec
        return torch.cat([cls_vec, mean_vec], dim=-1)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask)
        return self.head(self.drop(self.pool(out.last_hidden_state, attention_mask)))


def batches(tok, exp):
    order = list(range(len(NOTES)))
    random.shuffle(order)
    for i in range(0, len(order), exp.batch_size):
        chunk = [NOTES[j] for j in order[i:i + exp.batch_size]]
        enc = tok([t for t, _ in chunk], padding="max_length", truncation=True,
                  max_length=exp.max_len, return_tensors="pt")
        yield dict(enc), torch.tensor([y for _, y in chunk])


def run_one(exp, seed, tok):
    random.seed(seed)
    torch.manual_seed(seed)
    model = RiskClassifier(exp, tok.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=exp.lr, weight_decay=exp.weight_decay)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(exp.epochs):
        model.train()
        for batch, y in batches(tok, exp):
            loss = loss_fn(model(**batch), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    correct = 0
    with torch.no_grad():
        for batch, y in batches(tok, exp):
            correct += (model(**batch).argmax(-1) == y).sum().item()
    return loss.item(), correct / len(NOTES)


BASE = Experiment()
VARIANTS = [
    {"name": "baseline"},
    {"name": "mean_pool", "pooling": "mean"},
    {"name": "lr_1e-3", "lr": 1e-3},
    {"name": "concat_pool", "pooling": "cls+mean"},
    {"name": "no_dropout", "dropout": 0.0},
]

if __name__ == "__main__":
    tok = get_tokenizer(tempfile.mkdtemp(prefix="glacier_"))
    results = defaultdict(list)
    for v in VARIANTS:
        exp = dataclasses.replace(BASE, **v)
        print(f"== {exp.name} (pooling={exp.pooling}, lr={exp.lr}, dropout={exp.dropout})")
        for seed in exp.seeds:
            final_loss, acc = run_one(exp, seed, tok)
            results[exp.name].append(acc)
            print(f"   seed={seed} loss={final_loss:.3f} train_acc={acc:.2f}")
    print("\nvariant          mean_acc")
    for name, accs in results.items():
        print(f"{name:<16} {sum(accs) / len(accs):.3f}")
