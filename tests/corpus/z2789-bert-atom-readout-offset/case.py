import os
import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 11
HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "smiles_char_vocab.txt")
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
SMILES_ALPHABET = list("CNOSPFIBlrcnos()[]=#@+-123456789/\\H")
ATOM_CHARS = set("CNOSPFIBcnos")
N_MOLECULES = 96
BATCH_SIZE = 12
HIDDEN = 32
N_LAYERS = 1
N_HEADS = 2
FFN_DIM = 64
MAX_POSITIONS = 128
STEPS = 16
LR = 5e-4
FRAGMENTS = ["C", "CC", "C(=O)N", "c1ccccc1", "c1ccncc1", "O", "N(C)C", "C(F)(F)F",
             "Cl", "Br", "S(=O)(=O)", "C#N", "[C@@H](O)", "OC", "[O-]", "[NH+]"]


def write_vocab(path):
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIAL_TOKENS + SMILES_ALPHABET) + "\n")
    return path


def random_smiles(rng):
    return "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(2, 6)))


def heteroatom_fraction(smiles):
    atoms = [ch for ch in smiles if ch in ATOM_CHARS]
    hetero = [ch for ch in atoms if ch not in "Cc"]
    return len(hetero) / max(1, len(atoms))


def char_split(smiles):
    return " ".join(list(smiles))


def batches(smiles, targets, size):
    for start in range(0, len(smiles), size):
        yield smiles[start:start + size], targets[start:start + size]


def tokenize_batch(tokenizer, smiles_batch):
    enc = tokenizer([char_split(s) for s in smiles_batch], padding=True, return_tensors="pt")
    lengths = enc["attention_mask"].sum(dim=1)
    return enc, lengths


def atom_mask_ids(tokenizer):
    return {tokenizer.convert_tokens_to_ids(ch) for ch in ATOM_CHARS}


class AtomReadoutRegressor(nn.Module):
    def __init__(self, config, atom_ids):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.atom_ids = atom_ids
        self.head = nn.Sequential(nn.Linear(config.hidden_size, config.hidden_size), nn.Tanh(),
                                  nn.Linear(config.hidden_size, 1))

    def readout(self, hidden, input_ids, lengths):
        pooled = []
        for states, ids, n_chars in zip(hidden, input_ids, lengths.tolist()):
            atom_states = [states[pos] for pos in range(1, n_chars + 1)
                           if int(ids[pos]) in self.atom_ids]
            pooled.append(torch.stack(atom_states).mean(0))
        return torch.stack(pooled)

    def forward(self, enc, lengths):
        out = self.encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
        mol_vec = self.readout(out.last_hidden_state, enc["input_ids"], lengths)
        return self.head(mol_vec).squeeze(-1)


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)

    tokenizer = BertTokenizer(write_vocab(VOCAB_PATH), do_lower_case=False)
    smiles = [random_smiles(rng) for _ in range(N_MOLECULES)]
    targets = torch.tensor([heteroatom_fraction(s) for s in smiles])

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=HIDDEN,
        num_hidden_layers=N_LAYERS,
        num_attention_heads=N_HEADS,
        intermediate_size=FFN_DIM,
        max_position_embeddings=MAX_POSITIONS,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = AtomReadoutRegressor(config, atom_mask_ids(tokenizer))
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR)

    step = 0
    while step < STEPS:
        for smi_batch, y_batch in batches(smiles, targets, BATCH_SIZE):
            enc, lengths = tokenize_batch(tokenizer, smi_batch)
            loss = nn.functional.mse_loss(model(enc, lengths), y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            if step % 4 == 0:
                print(f"step {step:3d}  mse {loss.item():.4f}")
            if step >= STEPS:
                break

    model.eval()
    with torch.no_grad():
        enc, lengths = tokenize_batch(tokenizer, smiles[:4])
        preds = model(enc, lengths)
    for smi, p, t in zip(smiles[:4], preds.tolist(), targets[:4].tolist()):
        print(f"{smi:<40s} pred {p:.3f} true {t:.3f}")


if __name__ == "__main__":
    main()
