# ==========================================================
# Patent CPC section classifier - title / abstract / claims
# exported from notebook: patent-cpc-bert-3seg-v4.ipynb
# ==========================================================
import os
import gc
import random
import tempfile

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from sklearn.model_selection import StratifiedKFold
from transformers import BertConfig, BertModel, BertTokenizer


class CFG:
    seed = 2024
    n_fold = 3
    trn_fold = [0]
    epochs = 1
    batch_size = 4
    max_len = 96
    lr = 3e-4
    text_fields = ["title", "abstract", "claims"]
    sections = ["A", "B", "C", "G", "H"]
    hidden = 32


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


seed_everything(CFG.seed)

# ---------------- data ----------------
TITLES = ["rotary valve assembly", "battery electrode coating", "wireless antenna array",
          "pharmaceutical tablet composition", "semiconductor wafer polishing", "hinge for vehicle door"]
ABSTRACTS = ["a housing with a rotating member and a seal", "a layer of active material on a metal foil",
             "a plurality of radiating elements on a substrate", "a compound mixed with a binder and a filler",
             "a pad pressed against a rotating surface", "a pin connecting two brackets to a frame"]
CLAIMS = ["wherein the seal is made of rubber", "wherein the foil is copper", "wherein the substrate is ceramic",
          "wherein the binder is starch", "wherein the pad is porous", "wherein the pin is steel"]
SECT = ["F", "H", "H", "A", "B", "B"]

records = []
for k in range(36):
    j = k % 6
    records.append({"title": TITLES[j], "abstract": ABSTRACTS[(j + k) % 6], "claims": CLAIMS[j],
                    "section": SECT[j] if SECT[j] in CFG.sections else "G"})
sec2id = {s: i for i, s in enumerate(CFG.sections)}
labels_all = np.array([sec2id[r["section"]] for r in records])

# ---------------- tokenizer ----------------
WORK_DIR = tempfile.mkdtemp()
words = sorted({w for r in records for f in CFG.text_fields for w in r[f].split()})
vocab_path = os.path.join(WORK_DIR, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(vocab_path)


def encode_patent(rec):
    ids = [tokenizer.cls_token_id]
    seg_ids = [0]
    for seg_no, field in enumerate(CFG.text_fields):
        piece = tokenizer.encode(rec[field], add_special_tokens=False) + [tokenizer.sep_token_id]
        ids += piece
        seg_ids += [seg_no] * len(piece)
    ids, seg_ids = ids[:CFG.max_len], seg_ids[:CFG.max_len]
    return ids, seg_ids


class PatentDataset(Dataset):
    def __init__(self, recs, labels):
        self.recs = recs
        self.labels = labels

    def __len__(self):
        return len(self.recs)

    def __getitem__(self, i):
        ids, seg = encode_patent(self.recs[i])
        return {"ids": ids, "seg": seg, "y": int(self.labels[i])}


def collate_patents(batch):
    width = max(len(b["ids"]) for b in batch)
    tok = torch.full((len(batch), width), tokenizer.pad_token_id, dtype=torch.long)
    seg = torch.zeros((len(batch), width), dtype=torch.long)
    att = torch.zeros((len(batch), width), dtype=torch.long)
    for r, b in enumerate(batch):
        n = len(b["ids"])
        tok[r, :n] = torch.tensor(b["ids"])
        seg[r, :n] = torch.tensor(b["seg"])
        att[r, :n] = 1
    return tok, seg, att, torch.tensor([b["y"] for b in batch])


# ---------------- model ----------------
class MeanPool(nn.Module):
    def forward(self, hs, att):
        m = att.unsqueeze(-1).float()
        return (hs * m).sum(1) / m.sum(1).clamp(min=1e-6)


class PatentModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=CFG.hidden, num_hidden_layers=1,
                                 num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
        self.backbone = BertModel(self.config)
        self.pool = MeanPool()
        self.head = nn.Linear(CFG.hidden, len(CFG.sections))

    def forward(self, tok, seg, att):
        out = self.backbone(input_ids=tok, token_type_ids=seg, attention_mask=att)
        return self.head(self.pool(out.last_hidden_state, att))


def train_fold(fold, trn_idx, val_idx):
    trn_ds = PatentDataset([records[i] for i in trn_idx], labels_all[trn_idx])
    val_ds = PatentDataset([records[i] for i in val_idx], labels_all[val_idx])
    trn_dl = DataLoader(trn_ds, batch_size=CFG.batch_size, shuffle=True, collate_fn=collate_patents)
    val_dl = DataLoader(val_ds, batch_size=CFG.batch_size, shuffle=False, collate_fn=collate_patents)
    model = PatentModel()
    opt = torch.optim.AdamW(model.parameters(), lr=CFG.lr)
    crit = nn.CrossEntropyLoss()
    for ep in range(CFG.epochs):
        model.train()
        for tok, seg, att, y in trn_dl:
            loss = crit(model(tok, seg, att), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    correct = 0
    with torch.no_grad():
        for tok, seg, att, y in val_dl:
            correct += (model(tok, seg, att).argmax(-1) == y).sum().item()
    acc = correct / len(val_ds)
    print(f"fold {fold} | loss {loss.item():.4f} | val acc {acc:.4f}")
    del model, opt
    gc.collect()
    return acc


skf = StratifiedKFold(n_splits=CFG.n_fold, shuffle=True, random_state=CFG.seed)
scores = []
for fold, (trn_idx, val_idx) in enumerate(skf.split(np.zeros(len(records)), labels_all)):
    if fold in CFG.trn_fold:
        scores.append(train_fold(fold, trn_idx, val_idx))
print("CV acc:", np.mean(scores))
