"""Fine-tune a tiny DistilBERT on toxic-comment flags, tokenizing inside collate_fn."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.utils.data import DataLoader
from transformers import DistilBertConfig, DistilBertForSequenceClassification, DistilBertTokenizer

torch.manual_seed(0)
MAX_LENGTH = 32
WORDS = "you are an idiot this is helpful thanks for the link nobody cares shut up great point stupid".split()

vocab = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(vocab, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS))
tokenizer = DistilBertTokenizer(vocab)

train = [("thanks for the link", 0), ("you are an idiot", 1), ("great point", 0),
         ("shut up nobody cares", 1), ("this is helpful", 0), ("stupid", 1)]


def collate_fn(rows):
    texts, labels = zip(*rows)
    enc = tokenizer(list(texts), padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
    enc["labels"] = torch.tensor(labels)
    return enc


config = DistilBertConfig(vocab_size=len(tokenizer), dim=32, n_layers=2, n_heads=2, hidden_dim=64,
                          max_position_embeddings=MAX_LENGTH, num_labels=2)
model = DistilBertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
model.train()
for batch in DataLoader(train, batch_size=3, collate_fn=collate_fn):
    loss = model(**batch).loss
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"loss {loss.item():.4f}")
