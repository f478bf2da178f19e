# Engine room log entries -> fault category. Bag-of-embeddings baseline, 4 folds.
import random
import re
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset


class CFG:
    seed = 7
    folds = 4
    max_len = 12
    emb_dim = 24
    epochs = 3
    bs = 4
    lr = 5e-3
    pad_token = "<pad>"
    unk_token = "<unk>"


def seed_everything(seed=CFG.seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


seed_everything()

train_rows = [
    {"entry": "ME cyl 3 exhaust temp high alarm, reduced load", "fault": "thermal"},
    {"entry": "jacket cooling water outlet temp rising on aux engine 2", "fault": "thermal"},
    {"entry": "scavenge fire suspected unit 5, temp spike", "fault": "thermal"},
    {"entry": "LO cooler outlet temp above limit, bypass valve checked", "fault": "thermal"},
    {"entry": "fuel oil purifier tripped, sludge discharge failure", "fault": "fuel"},
    {"entry": "HFO viscosity low at engine inlet, heater adjusted", "fault": "fuel"},
    {"entry": "fuel pump leak-off pipe cracked on cyl 2", "fault": "fuel"},
    {"entry": "water in fuel settling tank, drained 40 litres", "fault": "fuel"},
    {"entry": "main switchboard earth fault 440V feeder", "fault": "electrical"},
    {"entry": "generator 1 breaker tripped on reverse power", "fault": "electrical"},
    {"entry": "emergency generator failed to start on test", "fault": "electrical"},
    {"entry": "steering gear motor overload alarm", "fault": "electrical"},
    {"entry": "stern tube seal leaking oil, header tank level dropping", "fault": "leak"},
    {"entry": "sea water pump mechanical seal leaking", "fault": "leak"},
    {"entry": "bilge high level alarm, source traced to cooler leak", "fault": "leak"},
    {"entry": "turbocharger vibration high at 85 rpm band", "fault": "vibration"},
    {"entry": "shaft line vibration, intermediate bearing temp normal", "fault": "vibration"},
]

# numpy columns
entries = np.array([r["entry"] for r in train_rows], dtype=object)
faults = np.array([r["fault"] for r in train_rows], dtype=object)
fault_names, y = np.unique(faults, return_inverse=True)
n_classes = len(fault_names)
print("entries:", entries.shape, "classes:", n_classes, dict(Counter(faults.tolist())))


def tokenize(text):
    return re.findall(r"[a-z0-9]+", text.lower())


word_freq = Counter(tok for e in entries for tok in tokenize(e))
itos = [CFG.pad_token, CFG.unk_token] + [w for w, _ in word_freq.most_common()]
stoi = {w: i for i, w in enumerate(itos)}
print("vocab:", len(itos))


def encode_column(texts, max_len):
    out = np.zeros((len(texts), max_len))
    for i, t in enumerate(texts):
        toks = [stoi.get(w, stoi[CFG.unk_token]) for w in tokenize(t)][:max_len]
        out[i, :len(toks)] = toks
    return out


token_matrix = encode_column(entries, CFG.max_len)
print("token_matrix:", token_matrix.shape)


class LogDataset(Dataset):
    def __init__(self, tok, target):
        self.tok = tok
        self.target = target

    def __len__(self):
        return len(self.tok)

    def __getitem__(self, i):
        return {"tok": torch.from_numpy(self.tok[i]), "target": torch.tensor(self.target[i])}


class MeanEmbClassifier(nn.Module):
    def __init__(self, vocab_size, dim, n_out):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.drop = nn.Dropout(0.1)
        self.fc = nn.Linear(dim, n_out)

    def forward(self, tok):
        keep = (tok != 0).unsqueeze(-1).float()
        vec = (self.emb(tok) * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.fc(self.drop(vec))


def run_fold(trn_idx, val_idx):
    model = MeanEmbClassifier(len(itos), CFG.emb_dim, n_classes)
    opt = torch.optim.Adam(model.parameters(), lr=CFG.lr)
    crit = nn.CrossEntropyLoss()
    dl = DataLoader(LogDataset(token_matrix[trn_idx], y[trn_idx]), batch_size=CFG.bs, shuffle=True)
    for ep in range(CFG.epochs):
        model.train()
        tot = 0.0
        for batch in dl:
            loss = crit(model(batch["tok"]), batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(batch["target"])
        print(f"    ep{ep} train loss {tot / len(trn_idx):.4f}")
    model.eval()
    with torch.no_grad():
        return torch.softmax(model(torch.from_numpy(token_matrix[val_idx])), dim=-1).numpy()


order = np.random.permutation(len(entries))
fold_splits = np.array_split(order, CFG.folds)
oof_pred = np.zeros((len(entries), n_classes))
for k, val_idx in enumerate(fold_splits):
    trn_idx = np.setdiff1d(order, val_idx)
    print(f"fold {k}: trn={len(trn_idx)} val={len(val_idx)}")
    oof_pred[val_idx] = run_fold(trn_idx, val_idx)

print("OOF acc:", (oof_pred.argmax(1) == y).mean())
