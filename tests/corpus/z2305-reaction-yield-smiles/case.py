# Buchwald-Hartwig style yield regression from reaction SMILES.
# Reactions are assembled from a small fragment library (aryl halide + amine + ligand + base),
# tokenised with the usual SMILES regex and fed to a small transformer encoder.
import re
import random
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

random.seed(0)
np.random.seed(0)
torch.manual_seed(0)

SMI_REGEX = re.compile(
    r"(\[[^\]]+]|Br?|Cl?|N|O|S|P|F|I|b|c|n|o|s|p|\(|\)|\.|=|#|-|\+|\\|\/|:|~|@|\?|>|\*|\$|%[0-9]{2}|[0-9])"
)

ARYL_HALIDES = ["Clc1ccc(C(F)(F)F)cc1", "Brc1ccc(OC)cc1", "Ic1cccnc1", "Clc1ccccn1", "Brc1ccc(CC)cc1"]
AMINES = ["Cc1ccc(N)cc1", "NCc1ccccc1", "C1COCCN1"]
LIGANDS = ["CC(C)c1cc(C(C)C)c(-c2ccccc2P(C2CCCCC2)C2CCCCC2)c(C(C)C)c1",
           "COc1ccc(OC)c(P(C(C)(C)C)C(C)(C)C)c1-c1c(C(C)C)cc(C(C)C)cc1C(C)C"]
BASES = ["CN(C)C(=NC(C)(C)C)N(C)C", "CCN=P(N=P(N(C)C)(N(C)C)N(C)C)(N(C)C)N(C)C", "CN1CCCN2CCCN=C12"]


class SmilesTokenizer:
    special = ["[PAD]", "[CLS]", "[UNK]"]

    def __init__(self):
        self.vocab = {t: i for i, t in enumerate(self.special)}

    @property
    def pad_id(self):
        return self.vocab["[PAD]"]

    def tokenize(self, smiles):
        return SMI_REGEX.findall(smiles)

    def fit(self, corpus):
        for smi in corpus:
            for tok in self.tokenize(smi):
                self.vocab.setdefault(tok, len(self.vocab))
        return self

    def encode(self, smiles):
        unk = self.vocab["[UNK]"]
        return [self.vocab["[CLS]"]] + [self.vocab.get(t, unk) for t in self.tokenize(smiles)]


def make_reactions(n):
    rxns, yields = [], []
    for _ in range(n):
        ah, am, lig, base = (random.randrange(len(x)) for x in (ARYL_HALIDES, AMINES, LIGANDS, BASES))
        reactants = ".".join([ARYL_HALIDES[ah], AMINES[am], LIGANDS[lig], BASES[base]])
        rxns.append(f"{reactants}>>c1ccccc1")
        y = 15 + 12 * (ah % 3) + 8 * lig + 5 * base - 4 * am + np.random.normal(0, 4)
        yields.append(float(np.clip(y, 0, 100)))
    return rxns, yields


class YieldDataset(Dataset):
    def __init__(self, rxns, yields, tokenizer):
        self.ids = [tokenizer.encode(r) for r in rxns]
        self.y = yields

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, i):
        return self.ids[i], self.y[i]


def make_collate(pad_id, max_len=256):
    def collate(batch):
        seqs, ys = zip(*batch)
        longest = min(max(len(s) for s in seqs), max_len)
        input_ids = np.zeros((len(seqs), longest))
        if pad_id != 0:
            input_ids[:] = pad_id
        for row, s in enumerate(seqs):
            s = s[:longest]
            input_ids[row, :len(s)] = s
        input_ids = torch.from_numpy(input_ids)
        padding_mask = input_ids == pad_id
        return input_ids, padding_mask, torch.tensor(ys, dtype=torch.float32) / 100.0
    return collate


class YieldTransformer(nn.Module):
    def __init__(self, vocab_size, d_model=64, nhead=4, n_layers=1, max_len=256, pad_id=0):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, d_model, padding_idx=pad_id)
        self.pos_emb = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=128, dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers, enable_nested_tensor=False)
        self.regressor = nn.Sequential(nn.Linear(d_model, d_model), nn.ReLU(), nn.Linear(d_model, 1))

    def forward(self, input_ids, padding_mask):
        pos = torch.arange(input_ids.shape[1]).unsqueeze(0)
        h = self.tok_emb(input_ids) + self.pos_emb(pos)
        h = self.encoder(h, src_key_padding_mask=padding_mask)
        return torch.sigmoid(self.regressor(h[:, 0])).squeeze(-1)


def run():
    rxns, yields = make_reactions(120)
    tok = SmilesTokenizer().fit(rxns)
    print(f"vocab size: {len(tok.vocab)}")
    split = 96
    collate = make_collate(tok.pad_id)
    train_dl = DataLoader(YieldDataset(rxns[:split], yields[:split], tok), batch_size=16, shuffle=True, collate_fn=collate)
    test_dl = DataLoader(YieldDataset(rxns[split:], yields[split:], tok), batch_size=32, collate_fn=collate)

    model = YieldTransformer(len(tok.vocab), pad_id=tok.pad_id)
    optim = torch.optim.Adam(model.parameters(), lr=5e-4)
    for epoch in range(2):
        model.train()
        for input_ids, pmask, y in train_dl:
            pred = model(input_ids, pmask)
            loss = nn.functional.mse_loss(pred, y)
            optim.zero_grad()
            loss.backward()
            optim.step()
        model.eval()
        abs_err = []
        with torch.no_grad():
            for input_ids, pmask, y in test_dl:
                abs_err.append((model(input_ids, pmask) - y).abs() * 100)
        print(f"epoch {epoch} test MAE: {torch.cat(abs_err).mean():.2f} % yield")


if __name__ == "__main__":
    run()
