"""3-fold cross-validation of a tiny BERT that guesses the material of an
excavated find from the finds-processing description. Runs through Accelerate
so the same script can go on the lab's GPU box later.
"""
import csv
import json
import os
import re
import tempfile

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 21
K = 3

REGISTER = [f"SF{n:03d}" for n in range(1, 13)]
DESCRIPTIONS = {
    "SF001": ("rim sherd with burnished surface and grit temper", "ceramic"),
    "SF002": ("worked antler tine with polish near the tip", "bone"),
    "SF003": ("corroded iron nail with square shank", "metal"),
    "SF004": ("flint scraper with retouch along one edge", "lithic"),
    "SF005": ("body sherd with incised chevron decoration", "ceramic"),
    "SF007": ("copper alloy pin with a rounded head", "metal"),
    "SF008": ("chert flake with a plain striking platform", "lithic"),
    "SF009": ("cattle rib with cut marks from butchery", "bone"),
    "SF010": ("base sherd with sooting on the exterior", "ceramic"),
    "SF012": ("bone needle with a drilled eye", "bone"),
}


def write_season(root):
    with open(os.path.join(root, "register.jsonl"), "w") as fh:
        for find_no in REGISTER:
            fh.write(json.dumps({"find_no": find_no, "trench": int(find_no[2:]) % 3 + 1}) + "\n")
    with open(os.path.join(root, "descriptions.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["find_no", "description", "material"])
        w.writeheader()
        for find_no, (desc, material) in DESCRIPTIONS.items():
            w.writerow({"find_no": find_no, "description": desc, "material": material})
    words = sorted({w for d, _ in DESCRIPTIONS.values() for w in re.findall(r"\w+", d)})
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")


def count_records(path):
    with open(path) as fh:
        return sum(1 for line in fh if line.strip())


def assign_folds(n_rows, k, seed):
    g = torch.Generator().manual_seed(seed)
    order = torch.randperm(n_rows, generator=g)
    return [order[i::k] for i in range(k)]


def fit_and_score(accelerator, tensors, train_idx, test_idx, vocab_size, n_classes):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=32, num_labels=n_classes)
    model = BertForSequenceClassification(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    train_ds = TensorDataset(*(t[train_idx] for t in tensors))
    test_ds = TensorDataset(*(t[test_idx] for t in tensors))
    model, opt, train_dl, test_dl = accelerator.prepare(
        model, opt, DataLoader(train_ds, batch_size=4, shuffle=True), DataLoader(test_ds, batch_size=8))

    model.train()
    for _ in range(4):
        for ids, attn, y in train_dl:
            out = model(input_ids=ids, attention_mask=attn, labels=y)
            accelerator.backward(out.loss)
            opt.step()
            opt.zero_grad()

    model.eval()
    hits = total = 0
    with torch.no_grad():
        for ids, attn, y in test_dl:
            pred = model(input_ids=ids, attention_mask=attn).logits.argmax(-1)
            hits += (pred == y).sum().item()
            total += y.numel()
    return hits / max(total, 1)


def main():
    torch.manual_seed(SEED)
    root = tempfile.mkdtemp(prefix="finds_")
    write_season(root)
    accelerator = Accelerator(cpu=True)

    with open(os.path.join(root, "descriptions.csv"), newline="") as fh:
        finds = list(csv.DictReader(fh))
    materials = sorted(set(f["material"] for f in finds))
    mat2id = {m: i for i, m in enumerate(materials)}

    tok = BertTokenizer(os.path.join(root, "vocab.txt"))
    enc = tok([f["description"] for f in finds], padding=True, return_tensors="pt")
    y = torch.tensor([mat2id[f["material"]] for f in finds])
    tensors = (enc["input_ids"], enc["attention_mask"], y)

    n_finds = count_records(os.path.join(root, "register.jsonl"))
    folds = assign_folds(len(finds), K, SEED)
    accelerator.print(f"{n_finds} finds on the register, {len(finds)} described, materials={materials}")

    scores = []
    for k in range(K):
        train_idx = torch.cat([f for j, f in enumerate(folds) if j != k])
        acc = fit_and_score(accelerator, tensors, train_idx, folds[k], tok.vocab_size, len(materials))
        accelerator.print(f"fold {k}: held-out accuracy {acc:.2f}")
        scores.append(acc)
    accelerator.print(f"mean CV accuracy: {sum(scores) / K:.2f}")


if __name__ == "__main__":
    main()
