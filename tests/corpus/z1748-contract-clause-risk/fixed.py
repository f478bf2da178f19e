# Contract clause risk classification - fold training script (exported from notebook)
import os
import random
import tempfile

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from sklearn.model_selection import StratifiedKFold
from transformers import AutoModel, BertConfig, BertTokenizer


class CFG:
    seed = 42
    n_folds = 3
    epochs = 1
    batch_size = 4
    lr = 3e-4
    max_len = 64
    hidden = 32
    n_labels = 3
    work_dir = tempfile.mkdtemp(prefix="clause_")


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


seed_everything(CFG.seed)

STEMS = ["licens", "indemnif", "terminat", "assign", "warrant", "govern", "disclos",
         "breach", "notic", "pay", "deliver", "confidential", "liabilit", "remed"]
SUFFIXES = ["##e", "##ee", "##or", "##y", "##ies", "##ing", "##ion", "##ed", "##s", "##ity", "##ment"]
PLAIN = ["the", "shall", "not", "any", "party", "parties", "agreement", "to", "of", "and",
         "in", "by", "such", "without", "prior", "written", "consent", "within", "days", "all"]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

vocab_path = os.path.join(CFG.work_dir, "vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(SPECIAL + PLAIN + STEMS + SUFFIXES) + "\n")
tokenizer = BertTokenizer(vocab_path)

WORDS = ["licensee", "licensor", "indemnifying", "terminated", "assignment", "warranties",
         "governing", "disclosed", "breaching", "notices", "payment", "delivered",
         "confidentiality", "liabilities", "remedies"]


def make_clause(rng, risk):
    n_words = rng.randint(12, 30) + 12 * risk
    body = []
    for _ in range(n_words):
        pool = WORDS if rng.random() < 0.6 else PLAIN
        body.append(rng.choice(pool))
    return " ".join(body)


rng = random.Random(CFG.seed)
clauses = []
for i in range(36):
    risk = i % CFG.n_labels
    clauses.append({"clause_id": f"C{i:03d}", "text": make_clause(rng, risk), "risk": risk})


def clip_words(text, n):
    return " ".join(text.split()[:n])


class ClauseDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        row = self.rows[idx]
        text = clip_words(row["text"], CFG.max_len - 2)
        enc = tokenizer(text, add_special_tokens=True, truncation=True, max_length=CFG.max_len)
        return {"ids": enc["input_ids"], "mask": enc["attention_mask"], "risk": row["risk"]}


def collate_clauses(batch):
    longest = max(len(b["ids"]) for b in batch)
    ids = torch.full((len(batch), longest), tokenizer.pad_token_id, dtype=torch.long)
    mask = torch.zeros((len(batch), longest), dtype=torch.long)
    for i, b in enumerate(batch):
        ids[i, : len(b["ids"])] = torch.tensor(b["ids"])
        mask[i, : len(b["mask"])] = torch.tensor(b["mask"])
    risk = torch.tensor([b["risk"] for b in batch], dtype=torch.long)
    return ids, mask, risk


class ClauseRiskModel(nn.Module):
    def __init__(self):
        super().__init__()
        config = BertConfig(vocab_size=len(tokenizer), hidden_size=CFG.hidden, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=64,
                            max_position_embeddings=CFG.max_len)
        self.backbone = AutoModel.from_config(config)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(CFG.hidden, CFG.n_labels)

    def forward(self, ids, mask):
        hidden = self.backbone(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).float()
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-6)
        return self.head(self.dropout(pooled))


def run_fold(fold, train_rows, valid_rows):
    model = ClauseRiskModel()
    opt = torch.optim.AdamW(model.parameters(), lr=CFG.lr)
    loss_fn = nn.CrossEntropyLoss()
    tr_dl = DataLoader(ClauseDataset(train_rows), batch_size=CFG.batch_size, shuffle=True,
                       collate_fn=collate_clauses)
    va_dl = DataLoader(ClauseDataset(valid_rows), batch_size=CFG.batch_size, collate_fn=collate_clauses)
    for epoch in range(CFG.epochs):
        model.train()
        for ids, mask, risk in tr_dl:
            opt.zero_grad()
            loss = loss_fn(model(ids, mask), risk)
            loss.backward()
            opt.step()
    model.eval()
    preds, golds = [], []
    with torch.no_grad():
        for ids, mask, risk in va_dl:
            preds.extend(model(ids, mask).argmax(-1).tolist())
            golds.extend(risk.tolist())
    acc = float(np.mean(np.array(preds) == np.array(golds)))
    print(f"fold {fold}: acc={acc:.3f}")
    return acc


skf = StratifiedKFold(n_splits=CFG.n_folds, shuffle=True, random_state=CFG.seed)
labels = [c["risk"] for c in clauses]
scores = []
for fold, (tr_idx, va_idx) in enumerate(skf.split(np.zeros(len(labels)), labels)):
    scores.append(run_fold(fold, [clauses[i] for i in tr_idx], [clauses[i] for i in va_idx]))
print("CV acc:", np.mean(scores))
