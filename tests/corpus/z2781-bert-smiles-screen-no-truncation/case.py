import os
import random
from dataclasses import dataclass
from typing import Dict, Iterator, List

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 11
MAX_LEN = 48
N_MOLS = 160
BATCH_SIZE = 16
STEPS = 30
LR = 5e-4
SCREEN_CHUNK = 8
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
SMILES_CHARS = list("CcNnOoSsFPBrIl()[]=#+-@/\\%123456789H")
FRAGMENTS = ["C", "CC", "O", "N", "c1ccccc1", "C(=O)O", "C(=O)N", "Cl", "F", "S", "c1ccncc1", "C#N", "[NH3+]"]
HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "smiles_vocab.txt")


@dataclass
class ModelSettings:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64


def write_vocab(path: str) -> None:
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIAL_TOKENS + SMILES_CHARS) + "\n")


def make_smiles(rng: random.Random, lo: int, hi: int) -> str:
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(lo, hi)))


def solubility_label(smi: str) -> float:
    polar = sum(smi.count(a) for a in ("O", "N", "n", "+"))
    apolar = sum(smi.count(a) for a in ("C", "c", "l", "F", "S"))
    return (polar - 0.4 * apolar) / 5.0


def spaced(smiles: List[str]) -> List[str]:
    return [" ".join(s) for s in smiles]


def batches(smiles: List[str], labels: List[float], size: int, rng: random.Random) -> Iterator[Dict]:
    order = list(range(len(smiles)))
    while True:
        rng.shuffle(order)
        for start in range(0, len(order) - size + 1, size):
            idx = order[start:start + size]
            yield {"smiles": [smiles[i] for i in idx], "y": torch.tensor([labels[i] for i in idx])}


class SmilesBertRegressor(nn.Module):
    def __init__(self, vocab_size: int, pad_id: int, s: ModelSettings):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=s.hidden, num_hidden_layers=s.layers,
                         num_attention_heads=s.heads, intermediate_size=s.ffn,
                         max_position_embeddings=MAX_LEN, pad_token_id=pad_id)
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(s.hidden, 1)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        return self.head(out.last_hidden_state[:, 0]).squeeze(-1)


def fit(model, tokenizer, smiles, labels, rng) -> List[float]:
    opt = torch.optim.AdamW(model.parameters(), lr=LR)
    stream = batches(smiles, labels, BATCH_SIZE, rng)
    history = []
    model.train()
    for step in range(STEPS):
        batch = next(stream)
        enc = tokenizer(spaced(batch["smiles"]), padding=True, truncation=True,
                        max_length=MAX_LEN, return_tensors="pt")
        loss = nn.functional.mse_loss(model(**enc), batch["y"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(loss.item())
    return history


@torch.no_grad()
def screen(model, tokenizer, library: List[str]) -> List[float]:
    model.eval()
    scores = []
    for start in range(0, len(library), SCREEN_CHUNK):
        chunk = library[start:start + SCREEN_CHUNK]
        enc = tokenizer(spaced(chunk), padding=True, return_tensors="pt")
        scores.extend(model(**enc).tolist())
    return scores


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=False)

    train_smiles = [make_smiles(rng, 2, 5) for _ in range(N_MOLS)]
    train_y = [solubility_label(s) for s in train_smiles]
    model = SmilesBertRegressor(tokenizer.vocab_size, tokenizer.pad_token_id, ModelSettings())

    history = fit(model, tokenizer, train_smiles, train_y, rng)
    print(f"loss first/last: {history[0]:.4f} / {history[-1]:.4f}")

    monomers = [make_smiles(rng, 2, 5) for _ in range(64)]
    library = [f"{a}OCCO{b}" for a, b in zip(monomers[::2], monomers[1::2])]
    print(f"library: {len(library)} mols, longest {max(len(s) for s in library)} chars")
    ranked = sorted(zip(screen(model, tokenizer, library), library), reverse=True)
    for score, smi in ranked[:5]:
        print(f"{score:+.3f}  {smi}")


if __name__ == "__main__":
    main()
