# Homework 4 - intent classification for customer support tickets
# based on the "fine-tune BERT in 10 minutes" blog post, shrunk so it runs on a laptop
import os
import tempfile
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

# ---- toy data ----
tickets = [
    ("my card was charged twice please refund", "billing"),
    ("i want my money back for the double charge", "billing"),
    ("the invoice shows the wrong amount", "billing"),
    ("cannot log in to my account password reset fails", "login"),
    ("the login page says my password is wrong", "login"),
    ("reset link never arrives in my email", "login"),
    ("my package has not arrived yet", "shipping"),
    ("where is my order it is late", "shipping"),
    ("tracking number does not work for my package", "shipping"),
    ("the app crashes when i open settings", "bug"),
    ("the page is blank after the update", "bug"),
    ("app crashes every time i upload a photo", "bug"),
]
INTENTS = sorted(set(lab for _, lab in tickets))
intent2id = {name: i for i, name in enumerate(INTENTS)}
NUM_INTENTS = len(INTENTS)
print("intents:", intent2id)

# ---- build a vocab file for the tokenizer ----
words = set()
for text, _ in tickets:
    words.update(text.split())
vocab_tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)

tmp_dir = tempfile.mkdtemp()
vocab_path = os.path.join(tmp_dir, "vocab.txt")
with open(vocab_path, "w") as f:
    for tok in vocab_tokens:
        f.write(tok + "\n")

tokenizer = BertTokenizer(vocab_path)
print("vocab size:", len(vocab_tokens))

# ---- tiny BERT ----
bert_config = BertConfig(
    vocab_size=len(vocab_tokens),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
)
encoder = BertModel(bert_config)

# the blog said CLS alone is weak, so we use CLS + average of all tokens
def pool_ticket(hidden_states, mask):
    cls_vec = hidden_states[:, 0, :]
    mask_f = mask.unsqueeze(-1).float()
    mean_vec = (hidden_states * mask_f).sum(dim=1) / mask_f.sum(dim=1).clamp(min=1.0)
    return torch.cat([cls_vec, mean_vec], dim=-1)

intent_head = nn.Sequential(
    nn.Dropout(0.1),
    nn.Linear(bert_config.hidden_size, NUM_INTENTS),
)

params = list(encoder.parameters()) + list(intent_head.parameters())
optimizer = torch.optim.AdamW(params, lr=3e-4)
loss_fn = nn.CrossEntropyLoss()

BATCH = 4
EPOCHS = 5

def make_batch(rows):
    texts = [r[0] for r in rows]
    labels = torch.tensor([intent2id[r[1]] for r in rows])
    enc = tokenizer(texts, padding=True, truncation=True, max_length=32, return_tensors="pt")
    return enc, labels

def classify(enc):
    out = encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
    ticket_vec = pool_ticket(out.last_hidden_state, enc["attention_mask"])
    return intent_head(ticket_vec)

# ---- training ----
for epoch in range(EPOCHS):
    encoder.train()
    intent_head.train()
    order = torch.randperm(len(tickets)).tolist()
    total = 0.0
    for start in range(0, len(order), BATCH):
        rows = [tickets[i] for i in order[start:start + BATCH]]
        enc, labels = make_batch(rows)
        logits = classify(enc)
        loss = loss_fn(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch + 1}  loss {total:.4f}")

# ---- try it on new tickets ----
encoder.eval()
intent_head.eval()
new_tickets = [
    "i was charged twice",
    "password reset email never came",
    "my order is late",
]
with torch.no_grad():
    enc = tokenizer(new_tickets, padding=True, return_tensors="pt")
    preds = classify(enc).argmax(dim=-1)
for text, p in zip(new_tickets, preds.tolist()):
    print(f"{text!r} -> {INTENTS[p]}")
