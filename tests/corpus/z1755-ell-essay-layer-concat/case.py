#!/usr/bin/env python
# ELL essay analytic scoring (cohesion / syntax / vocabulary / phraseology / grammar / conventions)
# ELECTRA backbone, CLS of the last N layers concatenated -> 6 regression targets, MCRMSE CV
import os
import time
import random
import tempfile

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from sklearn.model_selection import KFold
from transformers import AutoConfig, AutoModel, BertTokenizer


class CFG:
    seed = 11
    n_splits = 3
    folds_to_run = [0]
    epochs = 1
    train_bs = 6
    valid_bs = 12
    max_length = 80
    lr = 4e-4
    n_last_layers = 4
    hid = 32
    targets = ["cohesion", "syntax", "vocabulary", "phraseology", "grammar", "conventions"]


def set_seed(s):
    random.seed(s); np.random.seed(s); torch.manual_seed(s)


set_seed(CFG.seed)

SENTS = ["i think that school uniform is good for students", "in my opinion online classes are not so helpful",
         "my favorite subject is science because it is interesting", "students should have more time for sports",
         "when i was young i go to the park with my family", "technology make our life more easy and fast",
         "teachers must to explain the homework clearly", "working in groups helps us learn from each other"]

essays = []
for eid in range(30):
    body = " ".join(random.sample(SENTS, k=2 + eid % 4))
    scores = np.round(np.clip(np.random.normal(3.0, 0.6, size=len(CFG.targets)) * 2, 2, 10) / 2, 1)
    essays.append(dict(text_id=f"E{eid:04d}", full_text=body, **dict(zip(CFG.targets, scores))))

y_all = np.array([[e[t] for t in CFG.targets] for e in essays], dtype=np.float32)

WORKDIR = tempfile.mkdtemp(prefix="ell_")
vocab_words = sorted({w for e in essays for w in e["full_text"].split()})
with open(os.path.join(WORKDIR, "vocab.txt"), "w") as fp:
    fp.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab_words) + "\n")
tokenizer = BertTokenizer(os.path.join(WORKDIR, "vocab.txt"))


class EssayDataset(Dataset):
    def __init__(self, texts, y):
        self.texts, self.y = texts, y

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, i):
        enc = tokenizer(self.texts[i], truncation=True, max_length=CFG.max_length)
        return {"ids": enc["input_ids"], "msk": enc["attention_mask"], "y": self.y[i]}


class Collate:
    def __init__(self, pad_id):
        self.pad_id = pad_id

    def __call__(self, items):
        L = max(len(it["ids"]) for it in items)
        ids = torch.tensor([it["ids"] + [self.pad_id] * (L - len(it["ids"])) for it in items])
        msk = torch.tensor([it["msk"] + [0] * (L - len(it["msk"])) for it in items])
        y = torch.tensor(np.stack([it["y"] for it in items]))
        return ids, msk, y


class LayerConcatRegressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.cfg = AutoConfig.for_model("electra", vocab_size=tokenizer.vocab_size, embedding_size=CFG.hid,
                                        hidden_size=CFG.hid, num_hidden_layers=CFG.n_last_layers,
                                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
        self.cfg.update({"output_hidden_states": True})
        self.backbone = AutoModel.from_config(self.cfg)
        self.regressor = nn.Linear(CFG.hid * CFG.n_last_layers, len(CFG.targets))

    def forward(self, ids, msk):
        out = self.backbone(input_ids=ids, attention_mask=msk)
        stacked = torch.stack(out.hidden_states[-CFG.n_last_layers:])   # (n_layers, bs, seq, hid)
        cls_per_layer = stacked[:, :, 0, :].permute(1, 0, 2)            # (bs, n_layers, hid)
        feat = cls_per_layer.view(ids.size(0), -1)
        return self.regressor(feat)


def mcrmse(y_true, y_pred):
    return float(np.mean(np.sqrt(np.mean((y_true - y_pred) ** 2, axis=0))))


def train_one_fold(fold, tr, va):
    texts = [e["full_text"] for e in essays]
    collate = Collate(tokenizer.pad_token_id)
    dl_tr = DataLoader(EssayDataset([texts[i] for i in tr], y_all[tr]), batch_size=CFG.train_bs, shuffle=True,
                       collate_fn=collate)
    dl_va = DataLoader(EssayDataset([texts[i] for i in va], y_all[va]), batch_size=CFG.valid_bs, collate_fn=collate)
    model = LayerConcatRegressor()
    opt = torch.optim.AdamW(model.parameters(), lr=CFG.lr)
    crit = nn.SmoothL1Loss()
    t0 = time.time()
    for ep in range(CFG.epochs):
        model.train()
        for ids, msk, y in dl_tr:
            loss = crit(model(ids, msk), y)
            opt.zero_grad(); loss.backward(); opt.step()
        model.eval()
        with torch.no_grad():
            preds = np.concatenate([model(ids, msk).numpy() for ids, msk, _ in dl_va])
        print(f"[fold {fold}] ep {ep} loss={loss.item():.4f} MCRMSE={mcrmse(y_all[va], preds):.4f} "
              f"({time.time() - t0:.1f}s)")
    return preds


oof = np.zeros_like(y_all)
kf = KFold(n_splits=CFG.n_splits, shuffle=True, random_state=CFG.seed)
for fold, (tr, va) in enumerate(kf.split(essays)):
    if fold in CFG.folds_to_run:
        oof[va] = train_one_fold(fold, tr, va)
