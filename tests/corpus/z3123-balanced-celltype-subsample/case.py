"""Cell-sentence classifier: each cell becomes a string of its top expressed gene IDs,
tokenised with a BertTokenizer over a gene vocabulary, and a tiny BERT predicts the
annotated cell type. Training epochs are class-balanced by subsampling each type.
"""
import csv
import os
from collections import Counter, defaultdict

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_FILE = os.path.join(HERE, "gene_vocab.txt")
ANNOT_FILE = os.path.join(HERE, "cell_annotations.tsv")

TOP_K_GENES = 40
CELLS_PER_TYPE = 120
N_GENES = 350
SEED = 3

# rough composition of a bone-marrow sample
COMPOSITION = {"HSC": 0.12, "GMP": 0.18, "Erythroid": 0.25, "Monocyte": 0.2,
               "B progenitor": 0.15, "T cell": 0.08, "pDC": 0.02}


def simulate_marrow(n_cells, rng):
    types = list(COMPOSITION)
    ct = rng.choice(len(types), size=n_cells, p=list(COMPOSITION.values()))
    gene_ids = [f"ENSG{200000 + 7 * i:011d}" for i in range(N_GENES)]
    prog = rng.gamma(0.5, 1.0, size=(len(types), N_GENES))
    X = rng.poisson(prog[ct] * rng.lognormal(1.5, 0.3, n_cells)[:, None])
    with open(ANNOT_FILE, "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["cell_id", "cell_type", "donor"])
        for i, t in enumerate(ct):
            w.writerow([f"BM_{i:05d}", types[t], f"D{i % 3}"])
    return X.astype(np.float32), gene_ids


def write_gene_vocab(gene_ids):
    with open(VOCAB_FILE, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + gene_ids:
            fh.write(tok + "\n")


def cell_sentences(X, gene_ids, k):
    order = np.argsort(-X, axis=1, kind="stable")[:, :k]
    return [" ".join(gene_ids[g] for g in row if X[c, g] > 0) for c, row in enumerate(order)]


def load_labels(path):
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    type_names = sorted({r["cell_type"] for r in rows})
    to_id = {t: i for i, t in enumerate(type_names)}
    return np.array([to_id[r["cell_type"]] for r in rows]), type_names


def balanced_epoch(labels, per_type, rng):
    by_type = defaultdict(list)
    for i, y in enumerate(labels):
        by_type[int(y)].append(i)
    picked = []
    for y, idx in sorted(by_type.items()):
        picked.extend(rng.choice(idx, size=per_type, replace=False))
    picked = np.array(picked)
    rng.shuffle(picked)
    return picked


def main():
    rng = np.random.default_rng(SEED)
    torch.manual_seed(SEED)

    X, gene_ids = simulate_marrow(1500, rng)
    write_gene_vocab(gene_ids)
    tok = BertTokenizer(VOCAB_FILE, do_lower_case=False)

    labels, type_names = load_labels(ANNOT_FILE)
    print("cell types:", dict(Counter(type_names[y] for y in labels)))

    sentences = cell_sentences(X, gene_ids, TOP_K_GENES)
    enc = tok(sentences, padding="max_length", truncation=True, max_length=TOP_K_GENES + 2,
              return_tensors="pt")
    assert (enc["input_ids"] == tok.unk_token_id).sum() == 0

    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=len(type_names))
    model = BertForSequenceClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    y_all = torch.as_tensor(labels, dtype=torch.long)

    for epoch in range(3):
        model.train()
        idx = balanced_epoch(labels, CELLS_PER_TYPE, rng)
        losses = []
        for s in range(0, len(idx), 64):
            b = torch.as_tensor(idx[s:s + 64])
            out = model(input_ids=enc["input_ids"][b], attention_mask=enc["attention_mask"][b],
                        labels=y_all[b])
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            losses.append(out.loss.item())
        print(f"epoch {epoch}: {len(idx)} cells, loss {np.mean(losses):.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(**{k: v for k, v in enc.items() if k != "token_type_ids"}).logits.argmax(-1)
    for t, name in enumerate(type_names):
        m = y_all == t
        print(f"{name:>13s}  n={int(m.sum()):4d}  recall={(pred[m] == t).float().mean():.3f}")


if __name__ == "__main__":
    main()
