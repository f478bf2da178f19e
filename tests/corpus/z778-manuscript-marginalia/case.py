"""Marginalia type classifier (gloss / correction / ownership / pen-trial).

Thesis appendix C: does telling the model which scribal hand wrote the note help?
Hands are injected as extra marker tokens in front of the text. One change per variant.
"""
import dataclasses
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

MARGINALIA = [
    ("id est the lord of the manor", "A", 0),
    ("read here mercy not mercies", "B", 1),
    ("this book belongs to john of ely", "C", 2),
    ("probatio pennae abc abc", "C", 3),
    ("that is to say the second psalm", "A", 0),
    ("for reason read season", "B", 1),
    ("liber sancti edmundi", "A", 2),
    ("pen trial ink is good", "B", 3),
]
KINDS = ["gloss", "correction", "ownership", "pen_trial"]
HAND_TOKENS = {"A": "[HAND_A]", "B": "[HAND_B]", "C": "[HAND_C]"}

_TOK_CACHE = {}


def load_tokenizer():
    if "tok" not in _TOK_CACHE:
        d = tempfile.mkdtemp(prefix="marg_")
        words = sorted({w for t, _, _ in MARGINALIA for w in t.split()})
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list(HAND_TOKENS.values())
        with open(os.path.join(d, "vocab.txt"), "w") as f:
            f.write("\n".join(specials + words) + "\n")
        _TOK_CACHE["tok"] = BertTokenizer(os.path.join(d, "vocab.txt"))
    return _TOK_CACHE["tok"]


@dataclass
class Experiment:
    name: str = "baseline"
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    max_len: int = 16
    max_positions: int = 40
    use_hand_marker: bool = False
    lr: float = 5e-4
    warmup_steps: int = 0
    epochs: int = 1
    attn_dropout: float = 0.1
    seeds: tuple = (1,)


def encode_split(tok, exp):
    texts = [t for t, _, _ in MARGINALIA]
    enc = tok(texts, padding="max_length", truncation=True, max_length=exp.max_len,
              return_tensors="pt")
    batch = {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
             "labels": torch.tensor([k for _, _, k in MARGINALIA])}
    return batch


def with_hand_prefix(batch, tok):
    hand_ids = torch.tensor([[tok.convert_tokens_to_ids(HAND_TOKENS[h])] for _, h, _ in MARGINALIA])
    ids = batch["input_ids"]
    # keep [CLS] first, marker right after it
    batch["input_ids"] = torch.cat([ids[:, :1], hand_ids, ids[:, 1:]], dim=1)
    return batch


def build_model(exp, vocab_size):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=exp.hidden, num_hidden_layers=exp.layers,
                     num_attention_heads=exp.heads, intermediate_size=exp.ffn,
                     max_position_embeddings=exp.max_positions, num_labels=len(KINDS),
                     attention_probs_dropout_prob=exp.attn_dropout)
    return BertForSequenceClassification(cfg)


def fit(exp, seed, tok):
    torch.manual_seed(seed)
    batch = encode_split(tok, exp)
    if exp.use_hand_marker:
        batch = with_hand_prefix(batch, tok)
    model = build_model(exp, len(tok))
    opt = torch.optim.AdamW(model.parameters(), lr=exp.lr)
    history = []
    for epoch in range(exp.epochs):
        model.train()
        out = model(**batch)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        history.append(out.loss.item())
    model.eval()
    with torch.no_grad():
        preds = model(**batch).logits.argmax(-1)
    return history, (preds == batch["labels"]).float().mean().item()


BASE = Experiment()
VARIANTS = [
    {"name": "baseline"},
    {"name": "longer_ctx", "max_len": 24},
    {"name": "hand_marker", "use_hand_marker": True},
    {"name": "no_attn_dropout", "attn_dropout": 0.0},
]

if __name__ == "__main__":
    tok = load_tokenizer()
    print(f"vocab size {len(tok)}")
    results = defaultdict(list)
    for change in VARIANTS:
        exp = dataclasses.replace(BASE, **change)
        for seed in exp.seeds:
            hist, acc = fit(exp, seed, tok)
            results[exp.name].append(acc)
            print(f"{exp.name:>16} seed={seed} losses={[round(x, 3) for x in hist]} acc={acc:.2f}")
    print("-" * 40)
    for k, accs in results.items():
        print(f"{k:>16}: {sum(accs) / len(accs):.3f} +- {max(accs) - min(accs):.3f}")
