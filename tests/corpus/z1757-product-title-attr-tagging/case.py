# Shopee-style product title attribute extraction (brand / color / size)
# token classification, dynamic padding, 3-fold CV
import os
import random
import tempfile

import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import KFold
from torch.utils.data import DataLoader, Dataset
from transformers import AutoModel, BertConfig, BertTokenizer


class CFG:
    seed = 7
    folds = 3
    epochs = 1
    bs = 6
    max_len = 48
    lr = 3e-4
    hidden = 32
    tags = ["O", "B-BRAND", "B-COLOR", "B-SIZE", "B-MATERIAL"]
    ignore_index = -100


random.seed(CFG.seed)
np.random.seed(CFG.seed)
torch.manual_seed(CFG.seed)
TAG2ID = {t: i for i, t in enumerate(CFG.tags)}

BRANDS = ["nike", "adidas", "uniqlo", "zara"]
COLORS = ["black", "white", "navy", "olive"]
SIZES = ["xl", "xxl", "small", "medium"]
MATERIALS = ["cotton", "linen", "polyester"]
FILLER = ["men", "women", "shirt", "jacket", "hoodie", "slim", "fit", "new", "sale", "original"]

tmp = tempfile.mkdtemp()
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BRANDS + COLORS + SIZES + MATERIALS + FILLER
vocab += ["##s", "##ed", "##y"]
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tok = BertTokenizer(os.path.join(tmp, "vocab.txt"))

rng = random.Random(CFG.seed)
catalog = []
for sku in range(30):
    words, word_tags = [], []
    for _ in range(rng.randint(3, 8)):
        words.append(rng.choice(FILLER) + rng.choice(["", "", "s"])); word_tags.append("O")
    for pool, tag in ((BRANDS, "B-BRAND"), (COLORS, "B-COLOR"), (SIZES, "B-SIZE"), (MATERIALS, "B-MATERIAL")):
        if rng.random() < 0.7:
            pos = rng.randint(0, len(words))
            words.insert(pos, rng.choice(pool)); word_tags.insert(pos, tag)
    catalog.append({"sku": sku, "title_words": words, "word_tags": word_tags})


class TitleDataset(Dataset):
    def __init__(self, records):
        self.records = records

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        rec = self.records[idx]
        enc = tok(rec["title_words"], is_split_into_words=True,
                  truncation=True, max_length=CFG.max_len)
        piece_tags = []
        prev = None
        for w in enc.word_ids():
            if w is None or w == prev:
                piece_tags.append(CFG.ignore_index)
            else:
                piece_tags.append(TAG2ID[rec["word_tags"][w]])
            prev = w
        piece_tags += [CFG.ignore_index] * (CFG.max_len - len(piece_tags))
        return {"pieces": enc["input_ids"], "tag_ids": piece_tags}


def title_collate(items):
    longest = max(len(it["pieces"]) for it in items)
    pieces = torch.full((len(items), longest), tok.pad_token_id, dtype=torch.long)
    keep = torch.zeros((len(items), longest), dtype=torch.long)
    for r, it in enumerate(items):
        pieces[r, : len(it["pieces"])] = torch.tensor(it["pieces"])
        keep[r, : len(it["pieces"])] = 1
    tag_ids = torch.tensor([it["tag_ids"] for it in items], dtype=torch.long)
    return pieces, keep, tag_ids


class AttrTagger(nn.Module):
    def __init__(self):
        super().__init__()
        conf = BertConfig(vocab_size=len(vocab), hidden_size=CFG.hidden, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = AutoModel.from_config(conf)
        self.drop = nn.Dropout(0.1)
        self.classifier = nn.Linear(CFG.hidden, len(CFG.tags))

    def forward(self, pieces, keep):
        seq = self.encoder(input_ids=pieces, attention_mask=keep).last_hidden_state
        return self.classifier(self.drop(seq))


criterion = nn.CrossEntropyLoss(ignore_index=CFG.ignore_index)


def run_fold(k, trn, val):
    net = AttrTagger()
    optim = torch.optim.AdamW(net.parameters(), lr=CFG.lr)
    trn_loader = DataLoader(TitleDataset(trn), batch_size=CFG.bs, shuffle=True, collate_fn=title_collate)
    val_loader = DataLoader(TitleDataset(val), batch_size=CFG.bs, collate_fn=title_collate)
    for ep in range(CFG.epochs):
        net.train()
        running = 0.0
        for pieces, keep, tag_ids in trn_loader:
            scores = net(pieces, keep)
            loss = criterion(scores.view(-1, len(CFG.tags)), tag_ids.view(-1))
            optim.zero_grad(); loss.backward(); optim.step()
            running += loss.item()
        print(f"fold {k} ep {ep} train loss {running / len(trn_loader):.4f}")
    net.eval()
    hit = tot = 0
    with torch.no_grad():
        for pieces, keep, tag_ids in val_loader:
            pred = net(pieces, keep).argmax(-1)
            live = tag_ids != CFG.ignore_index
            hit += (pred[live] == tag_ids[live]).sum().item(); tot += live.sum().item()
    return hit / max(tot, 1)


kf = KFold(n_splits=CFG.folds, shuffle=True, random_state=CFG.seed)
oof = []
for k, (a, b) in enumerate(kf.split(catalog)):
    oof.append(run_fold(k, [catalog[i] for i in a], [catalog[i] for i in b]))
    print(f"fold {k} token acc {oof[-1]:.3f}")
print("mean token acc", float(np.mean(oof)))
