# Herbarium sheet label transcription -> per-word field tags (genus / species / collector / date / locality).
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


class CFG:
    seed = 11
    n_folds = 3
    epochs = 3
    batch_size = 3
    lr = 1e-3
    max_len = 32
    hidden_size = 48
    tags = ["O", "GENUS", "SPECIES", "COLL", "DATE", "LOC"]
    num_tags = len(tags)


TAG2ID = {t: i for i, t in enumerate(CFG.tags)}

SHEETS = [
    {"words": "Quercus robur coll. Hooker 12 May 1868 Kew".split(),
     "labels": ["GENUS", "SPECIES", "O", "COLL", "DATE", "DATE", "DATE", "LOC"]},
    {"words": "Salix alba leg. Smith riverbank near Oxford 1901".split(),
     "labels": ["GENUS", "SPECIES", "O", "COLL", "LOC", "LOC", "LOC", "DATE"]},
    {"words": "Erica tetralix on wet heath Dartmoor coll. Brown".split(),
     "labels": ["GENUS", "SPECIES", "O", "LOC", "LOC", "LOC", "O", "COLL"]},
    {"words": "Drosera rotundifolia 3 Aug 1877".split(),
     "labels": ["GENUS", "SPECIES", "DATE", "DATE", "DATE"]},
    {"words": "Fagus sylvatica leg. Hooker Chiltern beechwood".split(),
     "labels": ["GENUS", "SPECIES", "O", "COLL", "LOC", "LOC"]},
    {"words": "Carex pendula damp woodland edge Surrey coll. Green 1890".split(),
     "labels": ["GENUS", "SPECIES", "LOC", "LOC", "LOC", "LOC", "O", "COLL", "DATE"]},
    {"words": "Silene dioica Smith".split(),
     "labels": ["GENUS", "SPECIES", "COLL"]},
    {"words": "Primula vulgaris hedge bank Devon 20 April 1885 leg. Brown".split(),
     "labels": ["GENUS", "SPECIES", "LOC", "LOC", "LOC", "DATE", "DATE", "DATE", "O", "COLL"]},
    {"words": "Quercus petraea Snowdon".split(),
     "labels": ["GENUS", "SPECIES", "LOC"]},
]


def seed_everything(seed):
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    torch.manual_seed(seed)


def build_tokenizer(sheets):
    vocab = sorted({w.lower() for s in sheets for w in s["words"]} | {"."})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    return BertTokenizer(path)


class SheetDataset(Dataset):
    def __init__(self, sheets, tokenizer):
        self.sheets, self.tokenizer = sheets, tokenizer

    def __len__(self):
        return len(self.sheets)

    def __getitem__(self, i):
        sheet = self.sheets[i]
        enc = self.tokenizer(sheet["words"], is_split_into_words=True, truncation=True, max_length=CFG.max_len)
        prev, tag_ids = None, []
        for wid in enc.word_ids():
            tag_ids.append(-100 if wid is None or wid == prev else TAG2ID[sheet["labels"][wid]])
            prev = wid
        return {"ids": enc["input_ids"], "tag_ids": tag_ids}


class TagCollator:
    def __init__(self, pad_id):
        self.pad_id = pad_id

    def __call__(self, items):
        width = max(len(it["ids"]) for it in items)
        ids = torch.full((len(items), width), self.pad_id, dtype=torch.long)
        tags = torch.full((len(items), CFG.max_len), -100, dtype=torch.long)
        for r, it in enumerate(items):
            ids[r, : len(it["ids"])] = torch.tensor(it["ids"])
            tags[r, : len(it["tag_ids"])] = torch.tensor(it["tag_ids"])
        return ids, (ids != self.pad_id).long(), tags


class SheetTagger(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.bert = BertModel(config, add_pooling_layer=False)
        self.classifier = nn.Linear(config.hidden_size, CFG.num_tags)

    def forward(self, ids, am):
        return self.classifier(self.bert(input_ids=ids, attention_mask=am).last_hidden_state)


def get_model(tokenizer):
    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=CFG.hidden_size, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=96, max_position_embeddings=CFG.max_len)
    return SheetTagger(cfg)


def train_fn(model, loader, optimizer, criterion):
    model.train()
    total = 0.0
    for ids, am, tags in loader:
        logits = model(ids, am)
        loss = criterion(logits.view(-1, CFG.num_tags), tags.view(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / max(len(loader), 1)


@torch.no_grad()
def valid_fn(model, loader):
    model.eval()
    sheet_preds = []
    for ids, am, tags in loader:
        pred = model(ids, am).argmax(-1)
        for row_pred, row_tags in zip(pred, tags):
            sheet_preds.append(row_pred[row_tags != -100].tolist())
    return sheet_preds


if __name__ == "__main__":
    seed_everything(CFG.seed)
    tokenizer = build_tokenizer(SHEETS)
    collator = TagCollator(tokenizer.pad_token_id)
    fold_of = [i % CFG.n_folds for i in range(len(SHEETS))]
    oof = [None] * len(SHEETS)
    for fold in range(CFG.n_folds):
        val_idx = [i for i, f in enumerate(fold_of) if f == fold]
        trn = SheetDataset([s for s, f in zip(SHEETS, fold_of) if f != fold], tokenizer)
        val = SheetDataset([SHEETS[i] for i in val_idx], tokenizer)
        trn_dl = DataLoader(trn, batch_size=CFG.batch_size, shuffle=True, collate_fn=collator)
        val_dl = DataLoader(val, batch_size=CFG.batch_size, collate_fn=collator)
        model = get_model(tokenizer)
        optimizer = torch.optim.AdamW(model.parameters(), lr=CFG.lr)
        criterion = nn.CrossEntropyLoss(ignore_index=-100)
        for epoch in range(CFG.epochs):
            print(f"fold {fold} ep {epoch} loss {train_fn(model, trn_dl, optimizer, criterion):.4f}")
        for i, p in zip(val_idx, valid_fn(model, val_dl)):
            oof[i] = p
    gold = [TAG2ID[t] for s in SHEETS for t in s["labels"]]
    flat = [t for p in oof for t in p]
    print(f"OOF word-tag accuracy: {sum(a == b for a, b in zip(flat, gold)) / len(gold):.3f}")
