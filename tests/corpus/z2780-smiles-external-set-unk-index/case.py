import random
from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SEED = 7
N_TRAIN = 256
BATCH_SIZE = 32
EMB_DIM = 32
HIDDEN_DIM = 64
EPOCHS = 2
LR = 3e-3
SPECIALS = ("<pad>", "<unk>", "<bos>", "<eos>")
PAD, UNK, BOS, EOS = SPECIALS
TRAIN_FRAGMENTS = ["C", "CC", "CCC", "O", "N", "C(=O)O", "C(=O)N", "c1ccccc1", "C#N", "OC", "N(C)C", "C=C"]
EXTERNAL_SET = [
    "CC(=O)Oc1ccccc1C(=O)O",
    "CN1C=NC2=C1C(=O)N(C(=O)N2C)C",
    "CC(C)Cc1ccc(cc1)C(C)C(=O)O",
    "CNCCC(c1ccccc1)Oc1ccc(cc1)C(F)(F)F",
    "CN(C)CCCN1c2ccccc2Sc2ccc(Cl)cc21",
    "OC(=O)CCCc1ccc(N(CCCl)CCCl)cc1",
    "Nc1ccc(cc1)S(=O)(=O)N",
    "CC(=O)Nc1ccc(O)cc1",
]


def random_smiles(rng: random.Random, n_frag: int) -> str:
    return "".join(rng.choice(TRAIN_FRAGMENTS) for _ in range(n_frag))


def toy_logp(smi: str) -> float:
    weights = {"C": 0.5, "c": 0.3, "O": -0.7, "N": -0.9, "F": 0.4, "S": 0.6, "l": 0.8}
    return sum(weights.get(ch, 0.0) for ch in smi) / 4.0


def build_vocab(corpus: Sequence[str]) -> Dict[str, int]:
    chars = sorted({ch for smi in corpus for ch in smi})
    return {tok: idx for idx, tok in enumerate(list(SPECIALS) + chars)}


def encode(smi: str, stoi: Dict[str, int]) -> List[int]:
    return [stoi[BOS]] + [stoi.get(ch, len(stoi)) for ch in smi] + [stoi[EOS]]


def pad_batch(seqs: List[List[int]], pad_idx: int) -> torch.Tensor:
    width = max(len(s) for s in seqs)
    return torch.tensor([s + [pad_idx] * (width - len(s)) for s in seqs], dtype=torch.long)


class SmilesPropertySet(Dataset):
    def __init__(self, smiles: Sequence[str], stoi: Dict[str, int]):
        self.ids = [encode(s, stoi) for s in smiles]
        self.y = [toy_logp(s) for s in smiles]

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: int) -> Tuple[List[int], float]:
        return self.ids[i], self.y[i]


def make_collate(pad_idx: int):
    def collate(items):
        seqs, ys = zip(*items)
        ids = pad_batch(list(seqs), pad_idx)
        lengths = torch.tensor([len(s) for s in seqs])
        return ids, lengths, torch.tensor(ys, dtype=torch.float32)
    return collate


class CharGRURegressor(nn.Module):
    def __init__(self, n_tokens: int, pad_idx: int):
        super().__init__()
        self.embed = nn.Embedding(n_tokens, EMB_DIM, padding_idx=pad_idx)
        self.gru = nn.GRU(EMB_DIM, HIDDEN_DIM, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Linear(2 * HIDDEN_DIM, HIDDEN_DIM), nn.ReLU(), nn.Linear(HIDDEN_DIM, 1))

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        x = self.embed(ids)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h_n = self.gru(packed)
        h = torch.cat([h_n[-2], h_n[-1]], dim=-1)
        return self.head(h).squeeze(-1)


def train_epoch(model, loader, opt, loss_fn) -> float:
    model.train()
    losses = []
    for ids, lengths, y in loader:
        opt.zero_grad()
        loss = loss_fn(model(ids, lengths), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


@torch.no_grad()
def predict(model, loader) -> List[Tuple[float, float]]:
    model.eval()
    pairs = []
    for ids, lengths, y in loader:
        pairs.extend(zip(model(ids, lengths).tolist(), y.tolist()))
    return pairs


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    train_smiles = [random_smiles(rng, rng.randint(2, 6)) for _ in range(N_TRAIN)]
    stoi = build_vocab(train_smiles)
    print(f"vocab size: {len(stoi)} -> {''.join(k for k in stoi if k not in SPECIALS)}")

    collate = make_collate(stoi[PAD])
    train_loader = DataLoader(SmilesPropertySet(train_smiles, stoi), batch_size=BATCH_SIZE,
                              shuffle=True, collate_fn=collate)
    ext_loader = DataLoader(SmilesPropertySet(EXTERNAL_SET, stoi), batch_size=4, collate_fn=collate)

    model = CharGRURegressor(len(stoi), stoi[PAD])
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.MSELoss()
    for epoch in range(EPOCHS):
        print(f"epoch {epoch}: train mse {train_epoch(model, train_loader, opt, loss_fn):.4f}")

    pairs = predict(model, ext_loader)
    for smi, (pred, true) in zip(EXTERNAL_SET, pairs):
        print(f"{smi:40s} pred={pred:+.3f} true={true:+.3f}")
    mae = sum(abs(p - t) for p, t in pairs) / len(pairs)
    print(f"external MAE: {mae:.3f}")


if __name__ == "__main__":
    main()
