# Contract clause risk classification - LB 0.71 baseline
# exported from notebook: multi-layer mean pooling + KFold
import os
import random
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import StratifiedKFold
from torch.utils.data import DataLoader, Dataset
from transformers import AutoModel, BertConfig, BertTokenizer


class CFG:
    seed = 42
    n_folds = 3
    epochs = 1
    batch_size = 4
    max_len = 40
    lr = 2e-4
    n_last_layers = 4
    hidden_size = 32
    num_layers = 4
    risk_classes = ["low", "medium", "high"]


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


seed_everything(CFG.seed)

WORDS = ("the party shall indemnify hold harmless licensee licensor terminate agreement "
         "notice days written breach liability limited damages consequential warranty "
         "confidential information disclose assign consent governing law court exclusive "
         "payment fees invoice within thirty sixty renew automatically term").split()
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))
WORK_DIR = tempfile.mkdtemp()
vocab_path = os.path.join(WORK_DIR, "vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(VOCAB) + "\n")
tokenizer = BertTokenizer(vocab_path)

# train "dataframe" as records
rng = random.Random(CFG.seed)
train_rows = []
for clause_id in range(36):
    n = rng.randint(8, 30)
    train_rows.append({
        "clause_id": clause_id,
        "clause_text": " ".join(rng.choice(WORDS) for _ in range(n)),
        "risk": clause_id % len(CFG.risk_classes),
    })


class ClauseDataset(Dataset):
    def __init__(self, rows):
        self.texts = [r["clause_text"] for r in rows]
        self.risk = [r["risk"] for r in rows]

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, i):
        enc = tokenizer(self.texts[i], truncation=True, max_length=CFG.max_len)
        return enc["input_ids"], enc["attention_mask"], self.risk[i]


def clause_collate(batch):
    width = max(len(b[0]) for b in batch)
    ids = torch.zeros(len(batch), width, dtype=torch.long)
    msk = torch.zeros(len(batch), width, dtype=torch.long)
    for k, (tok, att, _) in enumerate(batch):
        ids[k, : len(tok)] = torch.tensor(tok)
        msk[k, : len(att)] = torch.tensor(att)
    risk = torch.tensor([b[2] for b in batch])
    return ids, msk, risk


def masked_mean(hidden, mask):
    m = mask.unsqueeze(-1).float()
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-6)


class ClauseRiskModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.config = BertConfig(
            vocab_size=len(VOCAB), hidden_size=CFG.hidden_size,
            num_hidden_layers=CFG.num_layers, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=64,
            output_hidden_states=True,
        )
        self.backbone = AutoModel.from_config(self.config)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(self.config.hidden_size, len(CFG.risk_classes))

    def forward(self, ids, msk):
        out = self.backbone(input_ids=ids, attention_mask=msk)
        layers = out.hidden_states[-CFG.n_last_layers:]
        pooled = torch.cat([masked_mean(h, msk) for h in layers], dim=-1)
        return self.head(self.dropout(pooled))


def train_one_fold(fold, trn_rows, val_rows):
    model = ClauseRiskModel()
    opt = torch.optim.AdamW(model.parameters(), lr=CFG.lr)
    loss_fn = nn.CrossEntropyLoss()
    trn_dl = DataLoader(ClauseDataset(trn_rows), batch_size=CFG.batch_size,
                        shuffle=True, collate_fn=clause_collate)
    val_dl = DataLoader(ClauseDataset(val_rows), batch_size=CFG.batch_size,
                        shuffle=False, collate_fn=clause_collate)
    for epoch in range(CFG.epochs):
        model.train()
        for ids, msk, risk in trn_dl:
            logits = model(ids, msk)
            loss = loss_fn(logits, risk)
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    correct = 0
    with torch.no_grad():
        for ids, msk, risk in val_dl:
            correct += (model(ids, msk).argmax(-1) == risk).sum().item()
    acc = correct / len(val_rows)
    print(f"fold {fold} | val acc {acc:.3f}")
    return acc


skf = StratifiedKFold(n_splits=CFG.n_folds, shuffle=True, random_state=CFG.seed)
labels = [r["risk"] for r in train_rows]
scores = []
for fold, (tr_idx, va_idx) in enumerate(skf.split(np.zeros(len(labels)), labels)):
    scores.append(train_one_fold(fold, [train_rows[i] for i in tr_idx],
                                 [train_rows[i] for i in va_idx]))
print("CV acc:", np.mean(scores))
