import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(11)
np.random.seed(11)

# repeat-unit SMILES ('*' = connection point) and glass transition temperature (K)
POLYMERS = [
    ("*CC(*)c1ccccc1", 373.0),
    ("*CC(*)(C)C(=O)OC", 378.0),
    ("*CC(*)C", 263.0),
    ("*CC*", 195.0),
    ("*CC(*)Cl", 354.0),
    ("*CC(*)C#N", 370.0),
    ("*CC(*)OC(C)=O", 305.0),
    ("*CC(*)C(=O)OCCCC", 219.0),
    ("*Oc1ccc(cc1)C(C)(C)c1ccc(cc1)OC(=O)*", 423.0),
    ("*CC(*)(C)c1ccccc1", 441.0),
    ("*C(F)(F)C(*)(F)F", 160.0),
    ("*O[Si](C)(C)*", 150.0),
    ("*CC(*)O", 358.0),
    ("*NCCCCCC(=O)*", 323.0),
    ("*CC(=O)OCCOC(=O)c1ccc(cc1)*", 342.0),
    ("*CC(*)C(=O)N", 438.0),
]

HEAVY = set("CNOSFPcnos")


def repeat_unit_descriptors(smi):
    n_heavy = sum(ch in HEAVY for ch in smi) + 2 * smi.count("Cl") + 2 * smi.count("[Si]")
    n_arom = sum(ch.islower() for ch in smi if ch in HEAVY)
    n_hetero = sum(ch in "NOSFnos" for ch in smi) + smi.count("Cl")
    n_side = smi.count("(")
    n_rings = sum(ch.isdigit() for ch in smi) / 2
    return [n_heavy, n_arom / max(n_heavy, 1), n_hetero, n_side, n_rings]


class PolymerTgSet(Dataset):
    def __init__(self, records, charset, desc_mu, desc_sd, tg_mu, tg_sd):
        self.records = records
        self.charset = charset
        self.desc_mu, self.desc_sd = desc_mu, desc_sd
        self.tg_mu, self.tg_sd = tg_mu, tg_sd

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        smi, tg = self.records[i]
        chars = torch.tensor([self.charset[c] for c in smi], dtype=torch.long)
        desc = (np.array(repeat_unit_descriptors(smi)) - self.desc_mu) / self.desc_sd
        target = torch.tensor((tg - self.tg_mu) / self.tg_sd, dtype=torch.float32)
        return chars, torch.from_numpy(desc), target


def pad_collate(items):
    chars, desc, target = zip(*items)
    lengths = torch.tensor([len(c) for c in chars])
    padded = nn.utils.rnn.pad_sequence(chars, batch_first=True, padding_value=0)
    return padded, lengths, torch.stack(desc), torch.stack(target)


class TgNet(nn.Module):
    def __init__(self, n_chars, n_desc, emb=24, hid=40):
        super().__init__()
        self.emb = nn.Embedding(n_chars, emb, padding_idx=0)
        self.rnn = nn.GRU(emb, hid, batch_first=True)
        self.mlp = nn.Sequential(
            nn.Linear(hid + n_desc, 64),
            nn.SiLU(),
            nn.Dropout(0.1),
            nn.Linear(64, 1),
        )

    def forward(self, chars, lengths, desc):
        packed = nn.utils.rnn.pack_padded_sequence(
            self.emb(chars), lengths, batch_first=True, enforce_sorted=False
        )
        _, h_last = self.rnn(packed)
        joint = torch.cat([h_last[-1], desc], dim=-1)
        return self.mlp(joint).squeeze(-1)


def main():
    charset = {"<pad>": 0}
    for smi, _ in POLYMERS:
        for c in smi:
            charset.setdefault(c, len(charset))

    perm = np.random.permutation(len(POLYMERS))
    train = [POLYMERS[i] for i in perm[:12]]
    test = [POLYMERS[i] for i in perm[12:]]

    desc_train = np.array([repeat_unit_descriptors(s) for s, _ in train])
    desc_mu, desc_sd = desc_train.mean(0), desc_train.std(0) + 1e-6
    tg_train = np.array([t for _, t in train])
    tg_mu, tg_sd = float(tg_train.mean()), float(tg_train.std())

    train_set = PolymerTgSet(train, charset, desc_mu, desc_sd, tg_mu, tg_sd)
    test_set = PolymerTgSet(test, charset, desc_mu, desc_sd, tg_mu, tg_sd)
    train_dl = DataLoader(train_set, batch_size=4, shuffle=True, collate_fn=pad_collate)
    test_dl = DataLoader(test_set, batch_size=4, collate_fn=pad_collate)

    model = TgNet(len(charset), n_desc=desc_train.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    mse = nn.MSELoss()

    for epoch in range(30):
        model.train()
        for chars, lengths, desc, target in train_dl:
            loss = mse(model(chars, lengths, desc), target)
            opt.zero_grad()
            loss.backward()
            opt.step()

    model.eval()
    errs = []
    with torch.no_grad():
        for chars, lengths, desc, target in test_dl:
            pred = model(chars, lengths, desc)
            errs.append(((pred - target) * tg_sd).abs())
    print(f"test MAE {torch.cat(errs).mean().item():.1f} K on {len(test)} polymers")


if __name__ == "__main__":
    main()
