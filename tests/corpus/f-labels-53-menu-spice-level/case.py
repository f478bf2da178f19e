import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(3)
torch.manual_seed(3)

DISHES = [
    ("steamed rice with mild butter sauce", 1),
    ("creamy garlic soup with herbs", 1),
    ("grilled chicken with black pepper", 2),
    ("garlic noodles with pepper and ginger", 2),
    ("red curry with chili and basil", 3),
    ("chili beef with ginger and pepper", 3),
    ("fiery vindaloo with ghost chili", 4),
    ("habanero wings with extra chili sauce", 4),
]

words = sorted({w for text, _ in DISHES for w in text.split()})
vocab_dir = tempfile.mkdtemp()
vocab_path = os.path.join(vocab_dir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(vocab_path)

texts = [text for text, _ in DISHES]
levels = [lvl for _, lvl in DISHES]
id2label = {lvl: f"heat{lvl}" for lvl in sorted(set(levels))}
label2id = {name: idx for idx, name in id2label.items()}

config = BertConfig(
    vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
    num_labels=len(id2label), id2label=id2label, label2id=label2id,
)
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)


def batches(batch_size=4):
    order = list(range(len(texts)))
    random.shuffle(order)
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        enc = tokenizer([texts[i] for i in rows], padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([label2id[f"heat{levels[i]}"] for i in rows])
        yield enc


model.train()
for epoch in range(12):
    running = 0.0
    for batch in batches():
        out = model(**batch)
        optimizer.zero_grad()
        out.loss.backward()
        optimizer.step()
        running += out.loss.item()
    print(f"epoch {epoch}: loss {running:.3f}")

model.eval()
with torch.no_grad():
    enc = tokenizer(["chili noodles with ginger"], return_tensors="pt")
    pred = model(**enc).logits.argmax(-1).item()
print("predicted:", model.config.id2label[pred])
