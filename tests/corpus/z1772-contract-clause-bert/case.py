# Week 6 assignment: classify contract clauses (liability / payment / termination)
# with a tiny BERT trained from scratch. Based on the "fine-tune BERT in 10 minutes" blog post.
import os
import tempfile
import random

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
random.seed(0)

MAX_POSITIONS = 48
BATCH = 4
EPOCHS = 2
LR = 3e-4

CLAUSE_TYPES = ["liability", "payment", "termination"]

clauses = [
    ("the supplier shall not be liable for any indirect loss", "liability"),
    ("neither party is liable for delays caused by force majeure", "liability"),
    ("total liability under this agreement shall not exceed the fees paid", "liability"),
    ("the customer shall indemnify the supplier against all claims arising from misuse of the "
     "services and the supplier shall not be liable for any loss of profit loss of data loss of "
     "goodwill or any indirect special or consequential loss whether arising in contract tort "
     "negligence or otherwise even if the supplier was advised of the possibility of such loss", "liability"),
    ("invoices are payable within thirty days of receipt", "payment"),
    ("late payment shall accrue interest at two percent per month", "payment"),
    ("the customer shall pay all fees in advance each quarter", "payment"),
    ("fees are exclusive of tax and the customer shall pay any tax", "payment"),
    ("either party may terminate this agreement on thirty days notice", "termination"),
    ("the supplier may terminate immediately if the customer fails to pay", "termination"),
    ("on termination the customer shall return all confidential information", "termination"),
    ("this agreement terminates automatically on insolvency of either party", "termination"),
]

# ---- build a word-level vocab file for the tokenizer ----
special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
words = sorted({w for text, _ in clauses for w in text.split()})
vocab = special + words

tmp_dir = tempfile.mkdtemp()
vocab_path = os.path.join(tmp_dir, "vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(vocab) + "\n")

tokenizer = BertTokenizer(vocab_path)
print("vocab size:", len(tokenizer))

lengths = [len(tokenizer.tokenize(t)) + 2 for t, _ in clauses]
print("longest clause (with CLS/SEP):", max(lengths))

# ---- model ----
config = BertConfig(
    vocab_size=len(tokenizer),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=MAX_POSITIONS,
    num_labels=len(CLAUSE_TYPES),
)
model = BertForSequenceClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=LR)


def collate(batch):
    texts = [t for t, _ in batch]
    targets = torch.tensor([CLAUSE_TYPES.index(lab) for _, lab in batch])
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    enc["labels"] = targets
    return enc


random.shuffle(clauses)
split = int(len(clauses) * 0.75)
train_clauses = clauses[:split]
test_clauses = clauses[split:]

train_loader = DataLoader(train_clauses, batch_size=BATCH, shuffle=True, collate_fn=collate)
test_loader = DataLoader(test_clauses, batch_size=BATCH, collate_fn=collate)

# ---- training ----
for epoch in range(EPOCHS):
    model.train()
    running = 0.0
    for step, batch in enumerate(train_loader):
        out = model(**batch)
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        running += out.loss.item()
        print(f"epoch {epoch} step {step} seq_len {batch['input_ids'].shape[1]} loss {out.loss.item():.4f}")
    print(f"epoch {epoch} mean loss {running / len(train_loader):.4f}")

# ---- evaluation ----
model.eval()
correct = 0
total = 0
with torch.no_grad():
    for batch in test_loader:
        gold = batch.pop("labels")
        logits = model(**batch).logits
        pred = logits.argmax(dim=-1)
        correct += (pred == gold).sum().item()
        total += gold.numel()

print(f"test accuracy: {correct}/{total} = {correct / total:.2f}")

example = "the supplier may terminate this agreement on notice"
enc = tokenizer(example, return_tensors="pt")
with torch.no_grad():
    guess = model(**enc).logits.argmax(-1).item()
print(f"'{example}' -> {CLAUSE_TYPES[guess]}")
