# object type classifier for the accession register (descriptions -> object_type)
# student project, week 6
import os
import random
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

OBJECT_TYPES = ["ceramic", "textile", "painting", "coin", "manuscript"]

words_by_type = {
    "ceramic": ["glazed", "earthenware", "bowl", "jar", "porcelain", "kiln", "rim", "sherd"],
    "textile": ["woven", "silk", "wool", "embroidered", "tapestry", "linen", "dyed", "fringe"],
    "painting": ["oil", "canvas", "portrait", "landscape", "frame", "varnish", "panel", "pigment"],
    "coin": ["silver", "bronze", "obverse", "reverse", "mint", "denarius", "worn", "legend"],
    "manuscript": ["vellum", "ink", "folio", "illuminated", "binding", "script", "quire", "gilt"],
}
common = ["fragment", "damaged", "donated", "restored", "circa", "century", "provenance", "unknown",
          "collection", "gift", "of", "the", "with", "and", "small", "large", "early", "late"]


class AccessionDataset(Dataset):
    def __init__(self, records, tokenizer, label2id, max_len):
        self.records = records
        self.tok = tokenizer
        self.label2id = label2id
        self.max_len = max_len

    def __len__(self):
        return len(self.records)

    def __getitem__(self, idx):
        rec = self.records[idx]
        enc = self.tok(rec["description"], padding="max_length", truncation=True,
                       max_length=self.max_len, return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(self.label2id[rec["object_type"]])
        return item


class ObjTypeClassifier(nn.Module):
    def __init__(self, cfg, n_types):
        super().__init__()
        self.bert = BertModel(cfg)
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(cfg.hidden_size, n_types)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        cls = out.last_hidden_state[:, 0]
        return self.head(self.drop(cls))


def main():
    random.seed(11)
    np.random.seed(11)
    torch.manual_seed(11)

    # ---- vocab ----
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for t in OBJECT_TYPES:
        for w in words_by_type[t]:
            if w not in vocab:
                vocab.append(w)
    for w in common:
        if w not in vocab:
            vocab.append(w)
    vocab_path = os.path.join(HERE, "accession_vocab.txt")
    with open(vocab_path, "w") as f:
        f.write("\n".join(vocab) + "\n")
    print("vocab size", len(vocab))

    tokenizer = BertTokenizer(vocab_path)

    # ---- fake register ----
    register = []
    for i in range(120):
        otype = random.choice(OBJECT_TYPES)
        n_words = random.randint(4, 14)
        desc_words = []
        for j in range(n_words):
            if random.random() < 0.6:
                desc_words.append(random.choice(words_by_type[otype]))
            else:
                desc_words.append(random.choice(common))
        register.append({"accession_no": "1987.%03d" % i, "description": " ".join(desc_words),
                         "object_type": otype})
    print(register[0])
    print(register[1])

    label2id = {t: i for i, t in enumerate(OBJECT_TYPES)}
    id2label = {i: t for t, i in label2id.items()}

    random.shuffle(register)
    split = int(len(register) * 0.8)
    train_recs = register[:split]
    val_recs = register[split:]
    print("train", len(train_recs), "val", len(val_recs))

    MAX_LEN = 24
    train_ds = AccessionDataset(train_recs, tokenizer, label2id, MAX_LEN)
    val_ds = AccessionDataset(val_recs, tokenizer, label2id, MAX_LEN)
    print("example item:", train_ds[0])

    train_loader = DataLoader(train_ds, batch_size=8, shuffle=True)
    val_loader = DataLoader(val_ds, batch_size=8, shuffle=False)

    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = ObjTypeClassifier(config, len(OBJECT_TYPES))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    lossf = nn.CrossEntropyLoss()

    EPOCHS = 3
    for epoch in range(EPOCHS):
        model.train()
        tot = 0.0
        nb = 0
        for batch in train_loader:
            logits = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
            loss = lossf(logits, batch["labels"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            tot += loss.item()
            nb += 1
        print("epoch", epoch, "train loss", tot / max(nb, 1))

        # val (copied from above)
        model.eval()
        correct = 0
        total = 0
        with torch.no_grad():
            for batch in val_loader:
                logits = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
                preds = logits.argmax(-1)
                correct += (preds == batch["labels"]).sum().item()
                total += batch["labels"].shape[0]
        print("epoch", epoch, "val acc", correct / max(total, 1))

    # quick look at some predictions
    model.eval()
    with torch.no_grad():
        b = next(iter(val_loader))
        p = model(b["input_ids"], b["attention_mask"], b["token_type_ids"]).argmax(-1)
        for k in range(4):
            print(val_recs[k]["accession_no"], val_recs[k]["object_type"], "->", id2label[p[k].item()])


if __name__ == "__main__":
    main()
