"""Train and evaluate a tiny BERT spam filter with Accelerate; accuracy is gathered across processes."""
import os
import tempfile

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
WORK = tempfile.mkdtemp()

TRAIN = [("win a free prize now", 1), ("lunch at noon", 0), ("claim your cash reward", 1), ("see you tomorrow", 0),
         ("free tickets click here", 1), ("meeting moved to friday", 0), ("you won cash", 1), ("call me later", 0)]
DEV = [("free cash prize", 1), ("see you at lunch", 0), ("click to claim", 1), ("meeting tomorrow", 0),
       ("win tickets now", 1), ("call me at noon", 0)]
words = sorted({w for t, _ in TRAIN + DEV for w in t.split()})
with open(os.path.join(WORK, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(WORK, "vocab.txt"))


def collate(rows):
    enc = tokenizer([t for t, _ in rows], padding=True, return_tensors="pt")
    enc["labels"] = torch.tensor([y for _, y in rows])
    return enc


config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=2)
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
train_dl = DataLoader(TRAIN, batch_size=4, shuffle=True, collate_fn=collate)
dev_dl = DataLoader(DEV, batch_size=4, collate_fn=collate)

accelerator = Accelerator(cpu=True)
model, optimizer, train_dl, dev_dl = accelerator.prepare(model, optimizer, train_dl, dev_dl)

model.train()
for batch in train_dl:
    out = model(**batch)
    accelerator.backward(out.loss)
    optimizer.step()
    optimizer.zero_grad()


def evaluate(model, loader):
    model.eval()
    hits = []
    for batch in loader:
        with torch.no_grad():
            preds = model(**batch).logits.argmax(dim=-1)
        # 1 per correct message; gathered so every process sees the whole dev set
        hits.append(accelerator.gather_for_metrics((preds == batch["labels"]).long()))
    hits = torch.cat(hits)
    return hits.mean().item()


accelerator.print(f"dev accuracy {evaluate(model, dev_dl):.3f}")
