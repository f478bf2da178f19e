# Jigsaw toxic comment classification - multilabel baseline
# mean pooling over a small BERT encoder, 4-fold CV, column-wise AUC
import os
import random
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold
from torch.utils.data import DataLoader, Dataset
from transformers import AutoModel, BertConfig, BertTokenizer


class CFG:
    seed = 2024
    n_fold = 4
    epochs = 1
    train_bs = 8
    valid_bs = 16
    max_len = 32
    lr = 1e-3
    hidden_size = 32
    target_cols = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]


def set_seed(s):
    random.seed(s)
    np.random.seed(s)
    torch.manual_seed(s)


set_seed(CFG.seed)

CLEAN = "thanks for the edit i think the article looks good now please add a source".split()
RUDE = "you are stupid idiot shut up hate kill ugly loser dumb trash".split()
TMP = tempfile.mkdtemp()
with open(os.path.join(TMP, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(CLEAN + RUDE))) + "\n")
tokenizer = BertTokenizer(os.path.join(TMP, "vocab.txt"))

rs = np.random.RandomState(CFG.seed)
comments = []
for cid in range(48):
    rude_share = rs.rand()
    words = [rs.choice(RUDE) if rs.rand() < rude_share else rs.choice(CLEAN) for _ in range(rs.randint(5, 20))]
    row = {"id": f"c{cid:04d}", "comment_text": " ".join(words)}
    for j, col in enumerate(CFG.target_cols):
        row[col] = int(rude_share > 0.3 + 0.1 * j)
    comments.append(row)
# make sure every target has a positive
for j, col in enumerate(CFG.target_cols):
    comments[j][col] = 1
label_matrix = np.array([[r[c] for c in CFG.target_cols] for r in comments])


class CommentDataset(Dataset):
    def __init__(self, rows, targets):
        self.text = [r["comment_text"] for r in rows]
        self.targets = targets

    def __len__(self):
        return len(self.text)

    def __getitem__(self, i):
        enc = tokenizer(self.text[i], truncation=True, max_length=CFG.max_len,
                        padding="max_length", return_tensors="pt")
        return {
            "ids": enc["input_ids"][0],
            "mask": enc["attention_mask"][0],
            "target": torch.tensor(self.targets[i]),
        }


class MeanPooling(nn.Module):
    def forward(self, last_hidden, mask):
        w = mask.unsqueeze(-1).expand(last_hidden.size()).float()
        return (last_hidden * w).sum(1) / torch.clamp(w.sum(1), min=1e-9)


class ToxicModel(nn.Module):
    def __init__(self):
        super().__init__()
        cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=CFG.hidden_size,
                         num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=CFG.max_len)
        self.bert = AutoModel.from_config(cfg)
        self.pool = MeanPooling()
        self.fc = nn.Linear(CFG.hidden_size, len(CFG.target_cols))

    def forward(self, ids, mask):
        h = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
        return self.fc(self.pool(h, mask))


def train_fn(model, loader, optimizer, criterion):
    model.train()
    losses = []
    for batch in loader:
        out = model(batch["ids"], batch["mask"])
        loss = criterion(out, batch["target"])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return float(np.mean(losses))


@torch.no_grad()
def valid_fn(model, loader):
    model.eval()
    preds = [torch.sigmoid(model(b["ids"], b["mask"])) for b in loader]
    return torch.cat(preds).numpy()


oof = np.zeros(label_matrix.shape, dtype=np.float32)
kfold = KFold(n_splits=CFG.n_fold, shuffle=True, random_state=CFG.seed)
for fold, (trn_idx, val_idx) in enumerate(kfold.split(comments)):
    trn_ds = CommentDataset([comments[i] for i in trn_idx], label_matrix[trn_idx])
    val_ds = CommentDataset([comments[i] for i in val_idx], label_matrix[val_idx])
    trn_dl = DataLoader(trn_ds, batch_size=CFG.train_bs, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=CFG.valid_bs, shuffle=False)
    model = ToxicModel()
    optimizer = torch.optim.AdamW(model.parameters(), lr=CFG.lr)
    criterion = nn.BCEWithLogitsLoss()
    for epoch in range(CFG.epochs):
        tl = train_fn(model, trn_dl, optimizer, criterion)
        print(f"fold {fold} epoch {epoch} loss {tl:.4f}")
    oof[val_idx] = valid_fn(model, val_dl)

aucs = []
for j, col in enumerate(CFG.target_cols):
    if 0 < label_matrix[:, j].sum() < len(label_matrix):
        aucs.append(roc_auc_score(label_matrix[:, j], oof[:, j]))
print("mean column AUC:", np.mean(aucs))
