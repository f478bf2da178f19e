import math
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SEED = 1234
N_TRAIN = 240
N_VAL = 48
MAX_LEN = 72
BATCH_SIZE = 16
EMBED_DIM = 32
HIDDEN_DIM = 64
EPOCHS = 2
LEARNING_RATE = 2e-3
PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"
SPECIAL_TOKENS = [PAD, BOS, EOS, UNK]
FRAGMENTS = [
    "C", "CC", "CCC", "C(=O)O", "c1ccccc1", "N", "O", "CCl", "C(F)(F)F",
    "Br", "C#N", "S(=O)(=O)N", "c1ccncc1", "OC", "[NH3+]", "C(=O)[O-]", "C=C",
]
ATOM_CONTRIB = {"C": 0.35, "c": 0.28, "N": -0.6, "n": -0.4, "O": -0.55, "F": 0.15,
                "l": 0.6, "r": 0.8, "S": 0.1, "+": -1.2, "-": -1.0}


def random_smiles(rng, min_frags=2, max_frags=7):
    n = rng.randint(min_frags, max_frags)
    return "".join(rng.choice(FRAGMENTS) for _ in range(n))


def toy_logp(smiles):
    contribs = [ATOM_CONTRIB.get(ch, 0.0) for ch in smiles]
    return sum(contribs) + 0.05 * math.sqrt(len(smiles))


def build_vocab(smiles_list):
    chars = sorted({ch for smi in smiles_list for ch in smi})
    itos = SPECIAL_TOKENS + chars
    return {tok: idx for idx, tok in enumerate(itos)}


def encode(smiles, vocab, max_len=None):
    ids = [vocab[BOS]] + [vocab.get(ch, vocab[UNK]) for ch in smiles] + [vocab[EOS]]
    if max_len is not None:
        ids = ids[:max_len] + [vocab[PAD]] * max(0, max_len - len(ids))
    return torch.tensor(ids, dtype=torch.long)


def make_split(rng, n):
    smiles = [random_smiles(rng) for _ in range(n)]
    targets = [toy_logp(s) for s in smiles]
    return smiles, targets


class SmilesDataset(Dataset):
    def __init__(self, smiles, targets, vocab, max_len=None):
        self.smiles = list(smiles)
        self.targets = list(targets)
        self.vocab = vocab
        self.max_len = max_len

    def __len__(self):
        return len(self.smiles)

    def __getitem__(self, idx):
        ids = encode(self.smiles[idx], self.vocab, self.max_len)
        return ids, torch.tensor(self.targets[idx], dtype=torch.float32)


class SmilesGRURegressor(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim, pad_idx):
        super().__init__()
        self.pad_idx = pad_idx
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.gru = nn.GRU(embed_dim, hidden_dim, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Linear(2 * hidden_dim, hidden_dim), nn.ReLU(), nn.Linear(hidden_dim, 1))

    def forward(self, ids):
        mask = (ids != self.pad_idx).unsqueeze(-1).float()
        states, _ = self.gru(self.embed(ids))
        pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1)


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    losses = []
    with torch.set_grad_enabled(training):
        for ids, y in loader:
            loss = nn.functional.mse_loss(model(ids), y)
            if training:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            losses.append(loss.item())
    return sum(losses) / max(1, len(losses))


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)

    train_smi, train_y = make_split(rng, N_TRAIN)
    val_smi, val_y = make_split(rng, N_VAL)
    vocab = build_vocab(train_smi + val_smi)
    lengths = [len(s) + 2 for s in train_smi + val_smi]
    print(f"vocab size {len(vocab)}, longest SMILES {max(lengths)} tokens (cap {MAX_LEN})")

    train_ds = SmilesDataset(train_smi, train_y, vocab, max_len=MAX_LEN)
    val_ds = SmilesDataset(val_smi, val_y, vocab, max_len=MAX_LEN)
    train_loader = DataLoader(train_ds, batch_size=BATCH_SIZE, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=BATCH_SIZE, shuffle=False)

    model = SmilesGRURegressor(len(vocab), EMBED_DIM, HIDDEN_DIM, vocab[PAD])
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)

    for epoch in range(1, EPOCHS + 1):
        train_loss = run_epoch(model, train_loader, optimizer)
        val_loss = run_epoch(model, val_loader)
        print(f"epoch {epoch}: train mse {train_loss:.4f}  val mse {val_loss:.4f}")

    model.eval()
    probe = ["CCO", "c1ccccc1C(=O)O", "CCCl"]
    with torch.no_grad():
        preds = [model(encode(s, vocab, MAX_LEN).unsqueeze(0)).item() for s in probe]
    for smi, pred, ref in zip(probe, preds, [toy_logp(s) for s in probe]):
        print(f"{smi:>20s}  pred {pred:+.3f}  toy {ref:+.3f}")


if __name__ == "__main__":
    main()
