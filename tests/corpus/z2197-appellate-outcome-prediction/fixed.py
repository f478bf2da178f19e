import os
import random

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_LEN = 48
BATCH_SIZE = 16
EPOCHS = 2
LR = 5e-4
TRAIN_CUTOFF_YEAR = 2016

COURTS = ["first circuit", "second circuit", "ninth circuit", "federal circuit", "state supreme court"]
ISSUES = ["summary judgment", "suppression of evidence", "jury instruction", "sentencing enhancement",
          "standing", "qualified immunity", "contract interpretation", "habeas petition"]
OUTCOME_PHRASES = {
    "affirmed": "the district court did not err and the judgment is upheld",
    "reversed": "the lower court applied the wrong standard and the judgment cannot stand",
    "remanded": "further proceedings are required consistent with this opinion",
    "dismissed": "the appeal is untimely and we lack jurisdiction",
    "vacated": "the order is set aside in light of the intervening decision",
}


def synth_opinions(n):
    docs = []
    for i in range(n):
        year = random.randint(2008, 2022)
        choices = ["affirmed", "reversed", "remanded", "dismissed"]
        if year >= 2017:
            choices.append("vacated")
        outcome = random.choice(choices)
        text = (f"appeal from the {random.choice(COURTS)} concerning {random.choice(ISSUES)} . "
                f"appellant argues that {random.choice(ISSUES)} was mishandled . "
                f"{OUTCOME_PHRASES[outcome] if random.random() < 0.7 else 'we have considered the remaining arguments'} .")
        docs.append({"docket": f"{year}-cv-{i:04d}", "year": year, "text": text, "outcome": outcome})
    return docs


def write_vocab(docs, path):
    words = sorted({w for d in docs for w in d["text"].split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        f.write("\n".join(specials + words) + "\n")
    return path


def encode(tokenizer, docs, label2id):
    enc = tokenizer([d["text"] for d in docs], padding="max_length", truncation=True,
                    max_length=MAX_LEN, return_tensors="pt")
    labels = torch.tensor([label2id[d["outcome"]] for d in docs], dtype=torch.long)
    return TensorDataset(enc["input_ids"], enc["attention_mask"], labels)


def evaluate(model, loader):
    model.eval()
    losses, preds, golds = [], [], []
    with torch.no_grad():
        for input_ids, attention_mask, labels in loader:
            out = model(input_ids=input_ids, attention_mask=attention_mask, labels=labels)
            losses.append(out.loss.item())
            preds.append(out.logits.argmax(-1))
            golds.append(labels)
    preds, golds = torch.cat(preds), torch.cat(golds)
    return float(np.mean(losses)), (preds == golds).float().mean().item()


docs = synth_opinions(400)
train_docs = [d for d in docs if d["year"] < TRAIN_CUTOFF_YEAR]
test_docs = [d for d in docs if d["year"] >= TRAIN_CUTOFF_YEAR]
print(f"{len(train_docs)} train opinions, {len(test_docs)} test opinions")

vocab_path = write_vocab(docs, os.path.join(HERE, "opinion_vocab.txt"))
tokenizer = BertTokenizer(vocab_path)

label_names = sorted({d["outcome"] for d in docs})
label2id = {name: i for i, name in enumerate(label_names)}
id2label = {i: name for name, i in label2id.items()}

train_ds = encode(tokenizer, train_docs, label2id)
test_ds = encode(tokenizer, test_docs, label2id)
num_labels = len(label2id)

config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=num_labels,
    id2label={i: id2label[i] for i in range(num_labels)},
    label2id={id2label[i]: i for i in range(num_labels)},
)
model = BertForSequenceClassification(config)

train_loader = DataLoader(train_ds, batch_size=BATCH_SIZE, shuffle=True)
test_loader = DataLoader(test_ds, batch_size=BATCH_SIZE)
optimizer = torch.optim.AdamW(model.parameters(), lr=LR)

for epoch in range(EPOCHS):
    model.train()
    for step, (input_ids, attention_mask, labels) in enumerate(train_loader):
        out = model(input_ids=input_ids, attention_mask=attention_mask, labels=labels)
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    test_loss, test_acc = evaluate(model, test_loader)
    print(f"epoch {epoch}: last train loss {out.loss.item():.4f} | test loss {test_loss:.4f} acc {test_acc:.3f}")

print("per-class support on test:", {id2label[i]: int((test_ds.tensors[2] == i).sum()) for i in range(len(id2label))})
