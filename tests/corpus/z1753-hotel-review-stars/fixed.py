"""Hotel review rating prediction (TripAdvisor style), 5-way classification.
Kaggle notebook export: hotel-stars-tiny-bert-kfold.ipynb
"""
import os
import math
import random
import tempfile
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from sklearn.model_selection import StratifiedKFold
from sklearn.metrics import f1_score
from transformers import AutoConfig, AutoModel, BertTokenizer, get_cosine_schedule_with_warmup


class CFG:
    seed = 7
    folds = 4
    run_folds = [0, 1]
    epochs = 1
    bs = 8
    max_len = 48
    lr = 5e-4
    warmup_ratio = 0.1
    d_model = 32


random.seed(CFG.seed); np.random.seed(CFG.seed); torch.manual_seed(CFG.seed)

# ---- inline review table -------------------------------------------------
PHRASES = {
    1: ["dirty room and rude staff", "never again the worst stay", "broken shower and noisy street"],
    2: ["small room and slow check in", "breakfast was cold and bland", "overpriced for what you get"],
    3: ["average hotel nothing special", "fine for one night", "clean but the bed was hard"],
    4: ["friendly staff and good breakfast", "nice view and quiet room", "great location close to the station"],
    5: ["amazing stay perfect service", "best hotel we ever had", "wonderful staff and spotless room"],
}
reviews = []
for rid in range(80):
    stars = 1 + rid % 5
    txt = random.choice(PHRASES[stars]) + " " + random.choice(PHRASES[stars])
    reviews.append({"review_id": rid, "text": txt, "stars": stars})

text_col = np.array([r["text"] for r in reviews], dtype=object)
star_col = np.array([r["stars"] - 1 for r in reviews])
num_classes = len(set(star_col.tolist()))
print("rating distribution:", sorted(Counter(star_col.tolist()).items()), "num_classes:", num_classes)

# ---- tokenizer from the review vocabulary --------------------------------
tmp = tempfile.mkdtemp()
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
vocab += sorted({w for r in reviews for w in r["text"].split()})
with open(os.path.join(tmp, "vocab.txt"), "w") as f:
    f.write("\n".join(vocab) + "\n")
tok = BertTokenizer(os.path.join(tmp, "vocab.txt"))


class ReviewDS(Dataset):
    def __init__(self, texts, targets):
        self.texts = list(texts)
        self.targets = [int(t) for t in targets]

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, i):
        return self.texts[i], self.targets[i]


def review_collate(items):
    texts, targets = zip(*items)
    enc = tok(list(texts), padding=True, truncation=True, max_length=CFG.max_len, return_tensors="pt")
    enc["target"] = torch.tensor(targets, dtype=torch.long)
    return enc


class StarsNet(nn.Module):
    def __init__(self, n_out):
        super().__init__()
        cfg = AutoConfig.for_model("bert", vocab_size=len(vocab), hidden_size=CFG.d_model, num_hidden_layers=1,
                                   num_attention_heads=2, intermediate_size=64, hidden_dropout_prob=0.1)
        self.encoder = AutoModel.from_config(cfg)
        self.drop = nn.Dropout(0.1)
        self.fc = nn.Linear(CFG.d_model, n_out)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        w = attention_mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * w).sum(dim=1) / w.sum(dim=1).clamp(min=1.0)
        return self.fc(self.drop(pooled))


def run_epoch(net, loader, optim, sched, loss_fn):
    net.train()
    tot = 0.0
    for batch in loader:
        target = batch.pop("target")
        logits = net(**batch)
        loss = loss_fn(logits, target)
        optim.zero_grad(); loss.backward(); optim.step(); sched.step()
        tot += loss.item() * target.size(0)
    return tot / len(loader.dataset)


@torch.no_grad()
def predict(net, loader):
    net.eval()
    out = []
    for batch in loader:
        batch.pop("target")
        out.append(net(**batch).argmax(-1))
    return torch.cat(out).numpy()


oof = np.zeros(len(reviews), dtype=int)
skf = StratifiedKFold(n_splits=CFG.folds, shuffle=True, random_state=CFG.seed)
for fold, (tr, va) in enumerate(skf.split(reviews, star_col)):
    if fold not in CFG.run_folds:
        continue
    tr_dl = DataLoader(ReviewDS(text_col[tr], star_col[tr]), batch_size=CFG.bs, shuffle=True,
                       collate_fn=review_collate)
    va_dl = DataLoader(ReviewDS(text_col[va], star_col[va]), batch_size=CFG.bs, collate_fn=review_collate)
    net = StarsNet(num_classes)
    optim = torch.optim.AdamW(net.parameters(), lr=CFG.lr, weight_decay=0.01)
    total_steps = CFG.epochs * math.ceil(len(tr) / CFG.bs)
    sched = get_cosine_schedule_with_warmup(optim, int(CFG.warmup_ratio * total_steps), total_steps)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
    for ep in range(CFG.epochs):
        tr_loss = run_epoch(net, tr_dl, optim, sched, loss_fn)
        oof[va] = predict(net, va_dl)
        f1 = f1_score(star_col[va], oof[va], average="macro")
        print(f"fold {fold} ep {ep} train_loss {tr_loss:.4f} val_macro_f1 {f1:.4f}")
