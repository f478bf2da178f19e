import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

CFG = {
    "seed": 11,
    "n_docs": 256,
    "max_tokens": 48,
    "emb_dim": 48,
    "hidden": 64,
    "batch_size": 16,
    "lr": 2e-3,
    "epochs": 2,
}

FIELDS = ["POLICY_NO", "INSURED", "EFF_DATE", "PREMIUM"]
TAGS = ["O"] + [f"{p}-{f}" for f in FIELDS for p in ("B", "I")]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

FILLER = ("this declarations page forms part of the policy issued by the company "
          "subject to all terms conditions and exclusions coverage applies only "
          "to the described premises and named perils").split()
CUES = {
    "POLICY_NO": ["policy", "number"],
    "INSURED": ["named", "insured"],
    "EFF_DATE": ["effective", "date"],
    "PREMIUM": ["total", "premium"],
}
FIRST_NAMES = ["maria", "john", "li", "fatima", "omar", "grace"]
LAST_NAMES = ["okafor", "smith", "nguyen", "schmidt", "rossi"]


def fake_value(field, rng):
    if field == "POLICY_NO":
        return [f"HO-{rng.integers(100000, 999999)}"]
    if field == "INSURED":
        return [rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)]
    if field == "EFF_DATE":
        return [f"{rng.integers(1, 13):02d}/{rng.integers(1, 29):02d}/2024"]
    return ["$", f"{rng.integers(300, 4000)}.00"]


def synth_declarations_page(rng):
    tokens, tags = [], []
    for field in rng.permutation(FIELDS):
        n_fill = int(rng.integers(1, 5))
        start = int(rng.integers(0, len(FILLER) - n_fill))
        for w in FILLER[start:start + n_fill]:
            tokens.append(w)
            tags.append("O")
        for w in CUES[field]:
            tokens.append(w)
            tags.append("O")
        for j, w in enumerate(fake_value(field, rng)):
            tokens.append(str(w))
            tags.append(("B-" if j == 0 else "I-") + field)
    return tokens, tags


def shape_token(tok):
    if any(c.isdigit() for c in tok):
        return "<num>" if "/" not in tok else "<date>"
    if tok.startswith("HO-"):
        return "<polno>"
    return tok


def build_vocab(docs):
    vocab = {"<pad>": 0, "<unk>": 1}
    for toks, _ in docs:
        for t in toks:
            vocab.setdefault(shape_token(t), len(vocab))
    return vocab


def encode_docs(docs, vocab, max_tokens):
    ids = np.zeros((len(docs), max_tokens), dtype=np.int64)
    labels = np.full((len(docs), max_tokens), -100, dtype=np.int64)
    for i, (toks, tags) in enumerate(docs):
        toks, tags = toks[:max_tokens], tags[:max_tokens]
        ids[i, :len(toks)] = [vocab.get(shape_token(t), 1) for t in toks]
        labels[i, :len(tags)] = [TAG2ID[t] for t in tags]
    return torch.from_numpy(ids), torch.from_numpy(labels)


def build_tagger(vocab_size, n_tags, cfg):
    return nn.ModuleDict({
        "emb": nn.Embedding(vocab_size, cfg["emb_dim"], padding_idx=0),
        "rnn": nn.GRU(cfg["emb_dim"], cfg["hidden"], batch_first=True, bidirectional=True),
        "out": nn.Linear(2 * cfg["hidden"], n_tags),
    })


def tagger_forward(model, ids):
    x = model["emb"](ids)
    x, _ = model["rnn"](x)
    return model["out"](x)


def field_f1(pred, gold):
    mask = gold != -100
    p, g = pred[mask], gold[mask]
    tp = ((p == g) & (g != 0)).sum().item()
    fp = ((p != g) & (p != 0)).sum().item()
    fn = ((p != g) & (g != 0)).sum().item()
    return 2 * tp / max(2 * tp + fp + fn, 1)


def train(cfg):
    rng = np.random.default_rng(cfg["seed"])
    torch.manual_seed(cfg["seed"])
    docs = [synth_declarations_page(rng) for _ in range(cfg["n_docs"])]
    vocab = build_vocab(docs)
    ids, tags = encode_docs(docs, vocab, cfg["max_tokens"])
    loader = DataLoader(TensorDataset(ids, tags), batch_size=cfg["batch_size"], shuffle=True)

    model = build_tagger(len(vocab), len(TAGS), cfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])

    for epoch in range(cfg["epochs"]):
        f1s = []
        for batch_ids, batch_tags in loader:
            logits = tagger_forward(model, batch_ids)
            loss = F.cross_entropy(logits, batch_tags, ignore_index=-100)
            opt.zero_grad()
            loss.backward()
            opt.step()
            f1s.append(field_f1(logits.argmax(-1), batch_tags))
        print(f"epoch {epoch}: loss {loss.item():.4f} field-F1 {np.mean(f1s):.3f}")
    return model


if __name__ == "__main__":
    train(CFG)
