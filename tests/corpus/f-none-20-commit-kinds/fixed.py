import os
import random
import tempfile

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)

KINDS = ["feat", "fix", "docs", "refactor"]
WORDS = ["add", "remove", "update", "parser", "readme", "typo", "crash", "cache", "api",
         "rename", "module", "test", "login", "null", "check", "support", "config", "cleanup"]

tmp = tempfile.mkdtemp()
vocab_file = os.path.join(tmp, "vocab.txt")
with open(vocab_file, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
tokenizer = BertTokenizer(vocab_file)


def commit_batches(n, batch_size, seed):
    rng = random.Random(seed)
    messages = [" ".join(rng.choices(WORDS, k=rng.randint(3, 8))) for _ in range(n)]
    kinds = [rng.randrange(len(KINDS)) for _ in range(n)]
    enc = tokenizer(messages, padding=True, return_tensors="pt")
    rows = [{"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i],
             "labels": torch.tensor(kinds[i])} for i in range(n)]
    return DataLoader(rows, batch_size=batch_size, shuffle=seed == 0)


config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                    num_labels=len(KINDS))
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
class_weights = torch.tensor([1.0, 1.0, 2.0, 1.5])

train_loader = commit_batches(48, batch_size=8, seed=0)
val_loader = commit_batches(32, batch_size=16, seed=1)

for epoch in range(2):
    model.train()
    for batch in train_loader:
        targets = batch["labels"]
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        loss = F.cross_entropy(logits, targets, weight=class_weights)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    model.eval()
    val_loss, correct = 0.0, 0
    with torch.no_grad():
        for batch in val_loader:
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            val_loss += F.cross_entropy(logits, batch["labels"], weight=class_weights).item()
            correct += (logits.argmax(-1) == batch["labels"]).sum().item()
    print(f"epoch {epoch}: val loss {val_loss / len(val_loader):.4f}, "
          f"val acc {correct / len(val_loader.dataset):.3f}")
