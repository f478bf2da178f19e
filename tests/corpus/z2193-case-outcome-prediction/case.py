"""Appellate outcome prediction from the facts section of an opinion (bag-of-ngrams baseline)."""
import random
import re
import zlib

import numpy as np
import torch
import torch.nn.functional as F

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

OUTCOMES = {"affirmed": 0, "reversed": 1, "remanded": 2}
COURTS = ["1st Cir.", "2d Cir.", "5th Cir.", "9th Cir.", "D.C. Cir."]
MIN_TOKENS = 25
MAX_TOKENS = 120
N_BUCKETS = 4096
EMB_DIM = 48
BATCH_SIZE = 16
EPOCHS = 3
LR = 5e-3

FACT_WORDS = (
    "appellant appellee district court granted summary judgment motion suppress evidence jury verdict "
    "instruction error harmless abuse discretion standard review de novo plaintiff defendant contract "
    "breach damages award remittitur sentencing guidelines enhancement procedural due process claim "
    "qualified immunity officer search warrant probable cause statute limitations tolled"
).split()


def synth_opinions(n, rng):
    rows = []
    for i in range(n):
        outcome = rng.choice(list(OUTCOMES))
        # per curiam / summary dispositions are short
        length = rng.randint(5, 20) if rng.random() < 0.2 else rng.randint(30, 110)
        words = [rng.choice(FACT_WORDS) for _ in range(length)]
        if outcome == "reversed":
            words += ["error", "abuse", "discretion"]
        elif outcome == "remanded":
            words += ["further", "proceedings", "consistent"]
        rows.append({
            "docket": f"{rng.randint(10, 23)}-{rng.randint(1000, 9999)}",
            "court": rng.choice(COURTS),
            "facts": " ".join(words),
            "outcome": outcome,
        })
    return rows


def normalize(text):
    text = text.lower()
    text = re.sub(r"[^a-z0-9\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def hash_token(tok):
    return 1 + zlib.crc32(tok.encode()) % (N_BUCKETS - 1)


def featurize(text):
    toks = text.split()[:MAX_TOKENS]
    grams = toks + [a + "_" + b for a, b in zip(toks, toks[1:])]
    return [hash_token(g) for g in grams]


def pad_batch(seqs, pad=0):
    width = max(len(s) for s in seqs)
    out = torch.full((len(seqs), width), pad, dtype=torch.long)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = torch.tensor(s)
    return out


def init_params():
    emb = torch.nn.EmbeddingBag(N_BUCKETS, EMB_DIM, mode="mean", padding_idx=0)
    head = torch.nn.Linear(EMB_DIM, len(OUTCOMES))
    return emb, head


def predict(emb, head, x):
    return head(torch.tanh(emb(x)))


def main():
    rng = random.Random(7)
    opinions = synth_opinions(300, rng)

    texts = [normalize(o["facts"]) for o in opinions]
    labels = [OUTCOMES[o["outcome"]] for o in opinions]

    texts = [t for t in texts if len(t.split()) >= MIN_TOKENS]
    print(f"kept {len(texts)} opinions with >= {MIN_TOKENS} tokens")

    X = pad_batch([featurize(t) for t in texts])
    y = torch.tensor(labels)

    n_train = int(0.8 * len(X))
    X_train, y_train = X[:n_train], y[:n_train]
    X_val, y_val = X[n_train:], y[n_train:]

    emb, head = init_params()
    opt = torch.optim.Adam(list(emb.parameters()) + list(head.parameters()), lr=LR)

    for epoch in range(EPOCHS):
        perm = torch.randperm(n_train)
        running = 0.0
        for start in range(0, n_train, BATCH_SIZE):
            idx = perm[start:start + BATCH_SIZE]
            logits = predict(emb, head, X_train[idx])
            loss = F.cross_entropy(logits, y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(idx)
        print(f"epoch {epoch} train_loss={running / n_train:.4f}")

        with torch.no_grad():
            val_logits = predict(emb, head, X_val)
            val_loss = F.cross_entropy(val_logits, y_val)
            val_acc = (val_logits.argmax(1) == y_val).float().mean()
        print(f"epoch {epoch} val_loss={val_loss:.4f} val_acc={val_acc:.3f}")


if __name__ == "__main__":
    main()
