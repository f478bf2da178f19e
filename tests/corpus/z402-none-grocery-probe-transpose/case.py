"""Grocery product-title categoriser: fit a closed-form linear probe on frozen pooled
features, export it to .npz, then load it into the BERT classifier head for serving."""
import os
import tempfile

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

CATEGORIES = ["dairy", "bakery", "produce", "frozen", "beverages", "snacks", "household"]
TERMS = {
    "dairy": ["milk", "yogurt", "cheddar", "butter"],
    "bakery": ["sourdough", "bagel", "croissant", "rye"],
    "produce": ["apple", "spinach", "carrot", "avocado"],
    "frozen": ["pizza", "peas", "icecream", "dumplings"],
    "beverages": ["cola", "juice", "espresso", "tea"],
    "snacks": ["chips", "pretzel", "popcorn", "cracker"],
    "household": ["detergent", "sponge", "bleach", "foil"],
}
BRANDS = ["organic", "family", "value", "premium", "fresh", "classic", "pack", "large", "small"]

PROBE_CFG = {"max_len": 16, "ridge": 1e-2, "seed": 7, "n_train": 210, "n_eval": 40}


def build_tokenizer(workdir):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BRANDS
    vocab += [w for ws in TERMS.values() for w in ws]
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


def sample_titles(n, rs):
    titles, cats = [], []
    for _ in range(n):
        c = rs.randint(len(CATEGORIES))
        words = list(rs.choice(BRANDS, 2, replace=False)) + list(rs.choice(TERMS[CATEGORIES[c]], 2))
        rs.shuffle(words)
        titles.append(" ".join(words))
        cats.append(c)
    return titles, np.array(cats)


@torch.no_grad()
def cls_features(model, tok, titles):
    enc = tok(titles, padding=True, truncation=True, max_length=PROBE_CFG["max_len"], return_tensors="pt")
    out = model.bert(**enc)
    return out.pooler_output.numpy()


def fit_probe(feats, cats, n_classes, ridge):
    """Ridge regression onto one-hot targets: scores = feats @ W + b."""
    X = np.hstack([feats, np.ones((feats.shape[0], 1), dtype=feats.dtype)])
    Y = np.eye(n_classes, dtype=np.float32)[cats]
    A = X.T @ X + ridge * np.eye(X.shape[1], dtype=np.float32)
    Wb = np.linalg.solve(A, X.T @ Y)
    return Wb[:-1].astype(np.float32), Wb[-1].astype(np.float32)


def load_probe_into_head(model, npz_path):
    blob = np.load(npz_path)
    model.classifier.weight.data = torch.from_numpy(blob["W"])
    model.classifier.bias.data = torch.from_numpy(blob["b"])


def main():
    rs = np.random.RandomState(PROBE_CFG["seed"])
    torch.manual_seed(PROBE_CFG["seed"])
    workdir = tempfile.mkdtemp()
    tok = build_tokenizer(workdir)
    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(CATEGORIES))
    model = BertForSequenceClassification(config).eval()

    train_titles, train_cats = sample_titles(PROBE_CFG["n_train"], rs)
    W, b = fit_probe(cls_features(model, tok, train_titles), train_cats, len(CATEGORIES), PROBE_CFG["ridge"])
    probe_path = os.path.join(workdir, "probe_head.npz")
    np.savez(probe_path, W=W, b=b)
    print("exported probe", W.shape, "->", probe_path)

    load_probe_into_head(model, probe_path)

    eval_titles, eval_cats = sample_titles(PROBE_CFG["n_eval"], rs)
    enc = tok(eval_titles, padding=True, truncation=True, max_length=PROBE_CFG["max_len"], return_tensors="pt")
    with torch.no_grad():
        logits = model(**enc).logits
    pred = logits.argmax(-1).numpy()
    print(f"probe accuracy on {len(eval_titles)} titles: {(pred == eval_cats).mean():.3f}")
    for title, p in list(zip(eval_titles, pred))[:5]:
        print(f"  {title!r:40} -> {CATEGORIES[p]}")


if __name__ == "__main__":
    main()
