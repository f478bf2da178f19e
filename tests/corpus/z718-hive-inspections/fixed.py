# Hive inspection notes -> colony status. BERT + concat of last hidden layers CLS, 3-fold CV.
import os
import random
import tempfile
from collections import Counter
from functools import partial

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer


class CFG:
    seed = 2024
    n_splits = 3
    epochs = 2
    train_bs = 4
    max_len = 20
    lr = 2e-4
    hidden = 32
    n_layers = 2
    n_heads = 2
    n_last_layers = 2   # concat CLS of the last N hidden states
    head_dropout = 0.1


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)


seed_everything(CFG.seed)

df = [
    dict(hive="H01", note="brood pattern solid eggs seen queen spotted calm bees", status="queenright"),
    dict(hive="H02", note="capped brood all frames queen marked seen laying well", status="queenright"),
    dict(hive="H03", note="eggs and young larvae present good temper stores ok", status="queenright"),
    dict(hive="H04", note="no eggs no young larvae queen cells capped roaring", status="queenless"),
    dict(hive="H05", note="laying workers multiple eggs per cell drone brood in worker cells", status="queenless"),
    dict(hive="H06", note="no queen seen no eggs emergency cells drawn", status="queenless"),
    dict(hive="H07", note="swarm cells on bottom bars crowded brood box", status="swarming"),
    dict(hive="H08", note="queen cups charged backfilled brood nest swarm risk", status="swarming"),
    dict(hive="H09", note="half the bees gone cluster in hedge capped queen cells", status="swarming"),
    dict(hive="H10", note="deformed wings mites on drones high drop count", status="varroa"),
    dict(hive="H11", note="spotty brood perforated cappings mite wash twelve", status="varroa"),
    dict(hive="H12", note="crawling bees deformed wings mite boards heavy", status="varroa"),
    dict(hive="H13", note="light stores feeding syrup small cluster", status="queenright"),
    dict(hive="H14", note="sunken cappings ropey larvae smell reported", status="varroa"),
]
print(f"inspections: {len(df)}")

notes = np.array([r["note"] for r in df], dtype=object)
status = np.array([r["status"] for r in df], dtype=object)
status_counts = Counter(status.tolist())
lbl2idx = {s: i for i, s in enumerate(sorted(status_counts))}
idx2lbl = {i: s for s, i in lbl2idx.items()}
target = np.array([lbl2idx[s] for s in status], dtype=np.int64)
print("label map:", lbl2idx, "| counts:", dict(status_counts))

workdir = tempfile.mkdtemp()
words = sorted({w for n in notes for w in n.split()})
with open(os.path.join(workdir, "vocab.txt"), "w") as f:
    for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
        f.write(tok + "\n")
tok = BertTokenizer(os.path.join(workdir, "vocab.txt"))


def collate(rows, tokenizer, max_len):
    enc = tokenizer([r[0] for r in rows], padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    enc["labels"] = torch.tensor([r[1] for r in rows])
    return dict(enc)


class HiveNet(nn.Module):
    def __init__(self, vocab_size, n_classes):
        super().__init__()
        bcfg = BertConfig(vocab_size=vocab_size, hidden_size=CFG.hidden, num_hidden_layers=CFG.n_layers,
                          num_attention_heads=CFG.n_heads, intermediate_size=CFG.hidden * 2,
                          max_position_embeddings=64, output_hidden_states=True)
        self.backbone = BertModel(bcfg)
        self.drop = nn.Dropout(CFG.head_dropout)
        self.head = nn.Linear(bcfg.hidden_size * CFG.n_last_layers, n_classes)

    def forward(self, input_ids, attention_mask, token_type_ids=None, labels=None):
        out = self.backbone(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        cls_stack = [h[:, 0] for h in out.hidden_states[-CFG.n_last_layers:]]
        feats = torch.cat(cls_stack, dim=-1)
        return self.head(self.drop(feats))


def batches(idx, bs, shuffle):
    idx = np.random.permutation(idx) if shuffle else idx
    make = partial(collate, tokenizer=tok, max_len=CFG.max_len)
    for s in range(0, len(idx), bs):
        chunk = idx[s:s + bs]
        yield make([(notes[i], target[i]) for i in chunk])


fold_id = np.zeros(len(df), dtype=int)
for c in np.unique(target):
    members = np.random.permutation(np.where(target == c)[0])
    fold_id[members] = np.arange(len(members)) % CFG.n_splits
print("fold sizes:", np.bincount(fold_id))

oof = np.zeros((len(df), len(lbl2idx)))
loss_fn = nn.CrossEntropyLoss()
for fold in range(CFG.n_splits):
    tr, va = np.where(fold_id != fold)[0], np.where(fold_id == fold)[0]
    net = HiveNet(len(tok), len(lbl2idx))
    optim = torch.optim.AdamW(net.parameters(), lr=CFG.lr)
    for epoch in range(CFG.epochs):
        net.train()
        for batch in batches(tr, CFG.train_bs, shuffle=True):
            y_b = batch.pop("labels")
            logits = net(**batch)
            loss = loss_fn(logits, y_b)
            optim.zero_grad()
            loss.backward()
            optim.step()
        print(f"fold {fold} epoch {epoch} last loss {loss.item():.4f}")
    net.eval()
    with torch.no_grad():
        batch = next(batches(va, len(va), shuffle=False))
        batch.pop("labels")
        oof[va] = net(**batch).softmax(-1).numpy()

print("oof shape:", oof.shape, "acc:", (oof.argmax(1) == target).mean())
print("first preds:", [idx2lbl[i] for i in oof.argmax(1)[:5]])
