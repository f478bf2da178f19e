import csv
import os
import random

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
ASSAY_CSV = os.path.join(HERE, "kinase_assay.csv")
VOCAB_TXT = os.path.join(HERE, "smiles_vocab.txt")
SEED = 31
N_COMPOUNDS = 120
MAX_LEN = 64
BATCH_SIZE = 12
N_EPOCHS = 3
LR = 1e-3
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
SMILES_ALPHABET = sorted(set("CNOSPFIBrClcnos()[]=#+-1234567@H/\\"))
SCAFFOLDS = ["c1ccc2[nH]ccc2c1", "c1ncnc2[nH]ccc12", "c1ccc(Nc2ncccn2)cc1", "O=C1NC(=O)CS1"]
R_GROUPS = ["C", "CC", "OC", "F", "Cl", "C(F)(F)F", "N(C)C", "C#N", "C(=O)N", "S(=O)(=O)C"]


def write_vocab(path):
    tokens = SPECIALS + SMILES_ALPHABET + [f"##{ch}" for ch in SMILES_ALPHABET]
    with open(path, "w") as fh:
        fh.writelines(f"{t}\n" for t in tokens)


def enumerate_compounds(rng, n):
    return [rng.choice(R_GROUPS) + rng.choice(SCAFFOLDS) + rng.choice(R_GROUPS) for _ in range(n)]


def mock_pic50(smiles, rng):
    bonus = {"F": 0.3, "Cl": 0.4, "N": 0.2, "n": 0.25, "O": -0.1}
    score = 5.0 + sum(smiles.count(k) * v for k, v in bonus.items())
    return round(score + rng.gauss(0.0, 0.3), 2)


def write_assay(path, rng):
    compounds = enumerate_compounds(rng, N_COMPOUNDS)
    rows = [(smi, mock_pic50(smi, rng), f"ASSAY-{i % 3}") for i, smi in enumerate(compounds)]
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["smiles", "pIC50", "assay_id"])
        writer.writerows(rows)


def read_assay(path):
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        records = [(row[0], float(row[1]), row[2]) for row in reader if row]
    smiles, pic50, assay = zip(*records)
    return list(smiles), np.array(pic50, dtype=np.float32), list(assay)


def split_by_assay(smiles, y, assay, held_out="ASSAY-2"):
    train = [(s, t) for s, t, a in zip(smiles, y, assay) if a != held_out]
    test = [(s, t) for s, t, a in zip(smiles, y, assay) if a == held_out]
    return train, test


def minibatches(pairs, batch_size, rng):
    pairs = pairs[:]
    rng.shuffle(pairs)
    for i in range(0, len(pairs), batch_size):
        chunk = pairs[i:i + batch_size]
        yield [s for s, _ in chunk], torch.tensor([t for _, t in chunk])


def encode_batch(tokenizer, smiles):
    return tokenizer(smiles, padding="max_length", max_length=MAX_LEN, truncation=True,
                     return_tensors="pt")


def evaluate(model, tokenizer, pairs, y_mean):
    model.eval()
    with torch.no_grad():
        enc = encode_batch(tokenizer, [s for s, _ in pairs])
        pred = model(**enc).logits.squeeze(-1) + y_mean
    truth = torch.tensor([t for _, t in pairs])
    return torch.sqrt(((pred - truth) ** 2).mean()).item()


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    write_vocab(VOCAB_TXT)
    write_assay(ASSAY_CSV, rng)

    tokenizer = BertTokenizer(VOCAB_TXT, do_lower_case=False)
    smiles, pic50, assay = read_assay(ASSAY_CSV)
    train, test = split_by_assay(smiles, pic50, assay)
    y_mean = float(np.mean([t for _, t in train]))
    print(f"{len(train)} train / {len(test)} held-out assay compounds, mean pIC50 {y_mean:.2f}")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=MAX_LEN, num_labels=1, problem_type="regression")
    model = BertForSequenceClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=LR)

    for epoch in range(N_EPOCHS):
        model.train()
        losses = []
        for batch_smiles, targets in minibatches(train, BATCH_SIZE, rng):
            out = model(**encode_batch(tokenizer, batch_smiles), labels=targets - y_mean)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            losses.append(out.loss.item())
        rmse = evaluate(model, tokenizer, test, y_mean)
        print(f"epoch {epoch}: train mse {np.mean(losses):.3f}  held-out rmse {rmse:.3f}")


if __name__ == "__main__":
    main()
