import os
import random
from typing import Dict, List, Tuple

import numpy as np
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 3
N_GENERATED = 120
BATCH_SIZE = 16
EPOCHS = 3
LR = 1e-3
MAX_LEN = 96
OUT_DIR = os.path.dirname(os.path.abspath(__file__))
VOCAB_FILE = os.path.join(OUT_DIR, "char_vocab.txt")
TRAIN_SMI = os.path.join(OUT_DIR, "generated.smi")
REFERENCE_SMI = os.path.join(OUT_DIR, "reference.smi")
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
ALPHABET = list("BCNOSPFIHclnos()[]=#+-@123456789")
BUILDING_BLOCKS = ["C", "CC", "N", "O", "c1ccccc1", "C(=O)O", "S", "F", "Cl", "C#N", "c1ccoc1", "N1CCOCC1"]
REFERENCES = [
    ("CC(=O)Oc1ccccc1C(=O)O", "aspirin"),
    ("CN1C=NC2=C1C(=O)N(C(=O)N2C)C", "caffeine"),
    ("CC(=O)Nc1ccc(O)cc1", "paracetamol"),
    ("CC(C)Cc1ccc(cc1)C(C)C(=O)O", "ibuprofen racemate"),
    ("OC(=O)c1ccccc1O", "salicylic acid"),
]


def write_lines(path: str, lines: List[str]) -> None:
    with open(path, "w") as fh:
        fh.writelines(line + "\n" for line in lines)


def generate_smiles(rng: random.Random) -> str:
    return "".join(rng.choice(BUILDING_BLOCKS) for _ in range(rng.randint(2, 6)))


def read_smi(path: str) -> List[Tuple[str, str]]:
    records = []
    with open(path) as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            smi, title = line.strip().split(maxsplit=1)
            records.append((smi, title))
    return records


def crippen_like(smi: str) -> float:
    contrib = {"C": 0.36, "c": 0.29, "N": -0.71, "O": -0.47, "S": 0.62, "F": 0.41, "l": 0.66, "n": -0.49}
    return float(np.sum([contrib.get(ch, 0.0) for ch in smi]))


def encode(tokenizer, smiles: List[str]) -> Dict[str, torch.Tensor]:
    return tokenizer([" ".join(s) for s in smiles], padding=True, truncation=True,
                     max_length=MAX_LEN, return_tensors="pt")


def minibatches(records: List[Tuple[str, float]], size: int, rng: random.Random):
    shuffled = records[:]
    rng.shuffle(shuffled)
    for i in range(0, len(shuffled), size):
        chunk = shuffled[i:i + size]
        yield [s for s, _ in chunk], torch.tensor([y for _, y in chunk], dtype=torch.float32)


def build_model(tokenizer) -> BertForSequenceClassification:
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=MAX_LEN,
                     num_labels=1, pad_token_id=tokenizer.pad_token_id)
    return BertForSequenceClassification(cfg)


def train(model, tokenizer, records, rng) -> None:
    opt = torch.optim.AdamW(model.parameters(), lr=LR)
    model.train()
    for epoch in range(EPOCHS):
        losses = []
        for smiles, y in minibatches(records, BATCH_SIZE, rng):
            out = model(**encode(tokenizer, smiles), labels=y)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            losses.append(out.loss.item())
        print(f"epoch {epoch}: mse {np.mean(losses):.4f}")


@torch.no_grad()
def score(model, tokenizer, smiles: List[str]) -> np.ndarray:
    model.eval()
    return model(**encode(tokenizer, smiles)).logits.squeeze(-1).numpy()


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    write_lines(VOCAB_FILE, SPECIALS + ALPHABET)
    generated = [generate_smiles(rng) for _ in range(N_GENERATED)]
    write_lines(TRAIN_SMI, ["# smiles title"] + [f"{s} GEN-{i:04d}" for i, s in enumerate(generated)])
    write_lines(REFERENCE_SMI, ["# smiles title"] + [f"{s} {name}" for s, name in REFERENCES])

    tokenizer = BertTokenizer(VOCAB_FILE, do_lower_case=False)
    train_records = [(smi, crippen_like(smi)) for smi, _ in read_smi(TRAIN_SMI)]
    model = build_model(tokenizer)
    train(model, tokenizer, train_records, rng)

    refs = read_smi(REFERENCE_SMI)
    preds = score(model, tokenizer, [smi for smi, _ in refs])
    truth = np.array([crippen_like(smi) for smi, _ in refs])
    for (smi, title), p, t in zip(refs, preds, truth):
        print(f"{title:20s} pred {p:+.2f}  ref {t:+.2f}")
    print(f"reference RMSE: {np.sqrt(np.mean((preds - truth) ** 2)):.3f}")


if __name__ == "__main__":
    main()
