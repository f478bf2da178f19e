# 30-day readmission from the diagnosis codes of the index stay.
# Codes are treated as tokens: a small transformer encoder over the code
# sequence, masked mean pooling, binary head. Vocabulary comes from train only.
import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight

torch.manual_seed(0)
np.random.seed(0)

STAYS = [
    (["I50.9", "N18.3", "E11.9"], 1), (["J44.1", "I10", "E78.5"], 1), (["K35.8"], 0),
    (["S72.0", "I10", "W19"], 0), (["I50.9", "J18.9", "N17.9"], 1), (["O80"], 0),
    (["J18.9", "I10"], 0), (["I21.4", "I50.9", "E11.9", "N18.3"], 1), (["K80.2", "E66.9"], 0),
    (["J44.1", "J96.0", "I50.9"], 1), (["M17.1"], 0), (["A41.9", "N17.9", "E87.1"], 1),
    (["I63.9", "I10", "E11.9"], 1), (["K35.8", "E66.9"], 0), (["C34.9", "J18.9"], 1),
    (["S06.0", "W19"], 0), (["I48.9", "I50.9", "I10"], 1), (["M16.1", "I10"], 0),
    (["N39.0", "E87.1", "F03"], 1), (["O80", "O99.0"], 0), (["K57.3"], 0),
    (["A41.9", "J18.9", "N39.0"], 1), (["G40.9"], 0), (["I21.4", "E78.5"], 0),
    (["F10.2", "K70.3"], 1), (["M17.1", "E66.9"], 0), (["I63.9", "F03", "N39.0"], 1),
    (["L03.1", "E11.9"], 0), (["D64.9", "K92.2"], 1), (["S72.0", "F03", "W19"], 1),
    (["H25.9"], 0), (["J45.9", "J96.0"], 0),
]

EMB_DIM = 32
BATCH = 8
EPOCHS = 1


def encode_stay(codes, enc, known):
    # shift by one so that 0 stays free for padding; unseen codes go to the end
    unk_id = len(enc.classes_) + 1
    return [int(enc.transform([c])[0]) + 1 if c in known else unk_id for c in codes]


def collate(seqs):
    width = max(len(s) for s in seqs)
    ids = np.zeros((len(seqs), width), dtype=np.int64)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = s
    ids = torch.from_numpy(ids)
    return ids, ids.ne(0)


class CodeEncoder(nn.Module):
    def __init__(self, n_codes, dim, n_out=2):
        super().__init__()
        self.emb = nn.Embedding(n_codes, dim, padding_idx=0)
        self.block = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True, dropout=0.1)
        self.out = nn.Linear(dim, n_out)

    def forward(self, ids, present):
        h = self.block(self.emb(ids), src_key_padding_mask=~present)
        w = present.unsqueeze(-1).float()
        pooled = (h * w).sum(1) / w.sum(1).clamp(min=1.0)
        return self.out(pooled)


def run_split(model, seqs, y=None, opt=None, loss_fn=None):
    all_logits = []
    for i in range(0, len(seqs), BATCH):
        ids, present = collate(seqs[i : i + BATCH])
        logits = model(ids, present)
        if opt is not None:
            loss = loss_fn(logits, torch.as_tensor(y[i : i + BATCH]))
            opt.zero_grad()
            loss.backward()
            opt.step()
        all_logits.append(logits.detach())
    return torch.cat(all_logits)


codes_per_stay = [s[0] for s in STAYS]
readmit = np.array([s[1] for s in STAYS])
tr_idx, te_idx = train_test_split(np.arange(len(STAYS)), test_size=0.3, stratify=readmit, random_state=11)

code_enc = LabelEncoder().fit([c for i in tr_idx for c in codes_per_stay[i]])
known = set(code_enc.classes_)
print(f"vocabulary: {len(code_enc.classes_)} codes seen in {len(tr_idx)} training stays")

train_seqs = [encode_stay(codes_per_stay[i], code_enc, known) for i in tr_idx]
test_seqs = [encode_stay(codes_per_stay[i], code_enc, known) for i in te_idx]
y_tr, y_te = readmit[tr_idx], readmit[te_idx]

weights = compute_class_weight("balanced", classes=np.array([0, 1]), y=y_tr)
loss_fn = nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32))
model = CodeEncoder(n_codes=len(code_enc.classes_) + 2, dim=EMB_DIM)
opt = torch.optim.Adam(model.parameters(), lr=5e-3)

for epoch in range(EPOCHS):
    model.train()
    order = np.random.permutation(len(train_seqs))
    run_split(model, [train_seqs[j] for j in order], y_tr[order], opt, loss_fn)
    model.eval()
    with torch.no_grad():
        tr_logits = run_split(model, train_seqs)
    acc = (tr_logits.argmax(-1).numpy() == y_tr).mean()
    print(f"epoch {epoch}: train acc {acc:.3f}")

model.eval()
with torch.no_grad():
    te_logits = run_split(model, test_seqs)
print(classification_report(y_te, te_logits.argmax(-1).numpy(), target_names=["no_readmit", "readmit"], zero_division=0))
