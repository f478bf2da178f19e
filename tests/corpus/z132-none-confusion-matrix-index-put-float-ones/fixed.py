"""Evaluate a tiny BERT language-of-message classifier and print its confusion matrix."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
WORK = tempfile.mkdtemp()

LANGS = ["en", "de", "fr"]
DEV = [("good morning friends", 0), ("guten morgen freunde", 1), ("bonjour les amis", 2),
       ("thank you very much", 0), ("vielen dank", 1), ("merci beaucoup", 2), ("see you soon", 0),
       ("bis bald", 1), ("a bientot", 2), ("where is the station", 0)]
words = sorted({w for t, _ in DEV for w in t.split()})
with open(os.path.join(WORK, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(WORK, "vocab.txt"))

config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=len(LANGS))
model = BertForSequenceClassification(config).eval()


def predict(rows, batch_size=4):
    preds, gold = [], []
    for start in range(0, len(rows), batch_size):
        chunk = rows[start:start + batch_size]
        enc = tokenizer([t for t, _ in chunk], padding=True, return_tensors="pt")
        with torch.no_grad():
            preds.append(model(**enc).logits.argmax(dim=-1))
        gold.append(torch.tensor([y for _, y in chunk]))
    return torch.cat(preds), torch.cat(gold)


def confusion_matrix(gold, preds, n_classes):
    """Rows: true class, columns: predicted class, cells: message counts."""
    cm = torch.zeros(n_classes, n_classes, dtype=torch.long)
    cm.index_put_((gold, preds), torch.ones(len(gold), dtype=torch.long), accumulate=True)
    return cm


preds, gold = predict(DEV)
cm = confusion_matrix(gold, preds, len(LANGS))
print("      " + " ".join(f"{l:>4}" for l in LANGS))
for lang, row in zip(LANGS, cm.tolist()):
    print(f"{lang:>5} " + " ".join(f"{c:>4}" for c in row))
