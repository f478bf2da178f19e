# Passage readability regression (CommonLit-style) - mean pooling baseline
import os
import math
import random
import tempfile

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from sklearn.model_selection import StratifiedKFold
from transformers import AutoModel, BertConfig, BertTokenizer


class CFG:
    seed = 11
    n_fold = 4
    epochs = 2
    train_bs = 8
    valid_bs = 8
    lr = 2e-4
    max_len = 40
    hidden_size = 32
    n_bins = 4
    tmp = tempfile.mkdtemp(prefix="readability_")


def set_seed(s):
    random.seed(s)
    np.random.seed(s)
    torch.manual_seed(s)


set_seed(CFG.seed)

EASY = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran", "to", "sun", "is", "hot", "we", "play", "fun"]
HARD = ["notwithstanding", "photosynthesis", "consequently", "equilibrium", "hypothesis",
        "interpretation", "circumstances", "nevertheless", "substantially", "phenomenon"]
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "."] + EASY + HARD
vocab_txt = os.path.join(CFG.tmp, "vocab.txt")
with open(vocab_txt, "w") as fp:
    fp.write("\n".join(vocab) + "\n")
tokenizer = BertTokenizer(vocab_txt)

excerpts = []
for k in range(48):
    hard_ratio = (k % 6) / 5
    n = random.randint(14, 30)
    words = [random.choice(HARD) if random.random() < hard_ratio else random.choice(EASY) for _ in range(n)]
    score = 1.5 - 3.0 * hard_ratio + random.gauss(0, 0.2)
    excerpts.append({"id": f"ex{k:03d}", "excerpt": " ".join(words) + " .", "target": score})

targets = np.array([e["target"] for e in excerpts])
bins = np.digitize(targets, np.quantile(targets, np.linspace(0, 1, CFG.n_bins + 1)[1:-1]))
for e, b in zip(excerpts, bins):
    e["bin"] = int(b)


class ExcerptDataset(Dataset):
    def __init__(self, rows):
        self.texts = [r["excerpt"] for r in rows]
        self.y = [r["target"] for r in rows]

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, i):
        enc = tokenizer(self.texts[i], truncation=True, max_length=CFG.max_len)
        return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "y": self.y[i]}


def dynamic_pad(batch):
    L = max(len(b["input_ids"]) for b in batch)
    out = {
        "input_ids": torch.tensor([b["input_ids"] + [0] * (L - len(b["input_ids"])) for b in batch]),
        "attention_mask": torch.tensor([b["attention_mask"] + [0] * (L - len(b["attention_mask"])) for b in batch]),
    }
    return out, torch.tensor([b["y"] for b in batch], dtype=torch.float)


class MeanPooling(nn.Module):
    def forward(self, last_hidden_state, attention_mask):
        mask_expanded = attention_mask.expand(last_hidden_state.size()).float()
        summed = torch.sum(last_hidden_state * mask_expanded, 1)
        counts = torch.clamp(mask_expanded.sum(1), min=1e-9)
        return summed / counts


class ReadabilityModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.config = BertConfig(vocab_size=len(vocab), hidden_size=CFG.hidden_size, num_hidden_layers=1,
                                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.model = AutoModel.from_config(self.config)
        self.pool = MeanPooling()
        self.fc = nn.Linear(self.config.hidden_size, 1)

    def forward(self, inputs):
        out = self.model(**inputs)
        feature = self.pool(out.last_hidden_state, inputs["attention_mask"])
        return self.fc(feature).squeeze(-1)


def rmse(a, b):
    return math.sqrt(float(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def train_loop(fold, trn, val):
    model = ReadabilityModel()
    optimizer = torch.optim.AdamW(model.parameters(), lr=CFG.lr, weight_decay=0.01)
    criterion = nn.MSELoss()
    trn_loader = DataLoader(ExcerptDataset(trn), batch_size=CFG.train_bs, shuffle=True, collate_fn=dynamic_pad)
    val_loader = DataLoader(ExcerptDataset(val), batch_size=CFG.valid_bs, collate_fn=dynamic_pad)
    best = float("inf")
    for epoch in range(CFG.epochs):
        model.train()
        for inputs, y in trn_loader:
            optimizer.zero_grad()
            loss = criterion(model(inputs), y)
            loss.backward()
            optimizer.step()
        model.eval()
        preds, gold = [], []
        with torch.no_grad():
            for inputs, y in val_loader:
                preds.extend(model(inputs).tolist())
                gold.extend(y.tolist())
        score = rmse(preds, gold)
        best = min(best, score)
        print(f"[fold {fold}] epoch {epoch} val rmse {score:.4f}")
    return best


skf = StratifiedKFold(n_splits=CFG.n_fold, shuffle=True, random_state=CFG.seed)
cv = []
for fold, (t_idx, v_idx) in enumerate(skf.split(excerpts, [e["bin"] for e in excerpts])):
    cv.append(train_loop(fold, [excerpts[i] for i in t_idx], [excerpts[i] for i in v_idx]))
print("CV rmse:", np.mean(cv))
