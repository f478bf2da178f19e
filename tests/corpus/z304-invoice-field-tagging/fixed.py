# Token-level field tagger for OCR'd invoice lines (vendor, date, amount, ...).
# Quick experiment script: BiGRU tagger trained with Accelerate.
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from accelerate import Accelerator

SEED = 2024
VOCAB_SIZE = 500
MAX_TOKENS = 48
TAGS = ["O", "B-VENDOR", "I-VENDOR", "B-DATE", "I-DATE", "B-AMOUNT", "I-AMOUNT", "B-IBAN", "I-IBAN"]
NUM_TAGS = len(TAGS)
BATCH = 16
EPOCHS = 1
LR = 2e-3

random.seed(SEED)
torch.manual_seed(SEED)

# ---- synthetic OCR lines -------------------------------------------------
def fake_invoice_line():
    tokens, tags = [], []
    spans = [("VENDOR", range(10, 60)), ("DATE", range(60, 90)),
             ("AMOUNT", range(90, 140)), ("IBAN", range(140, 200))]
    random.shuffle(spans)
    for field, id_range in spans:
        for _ in range(random.randint(0, 4)):
            tokens.append(random.randint(200, VOCAB_SIZE - 1))
            tags.append(0)
        for j in range(random.randint(1, 5)):
            tokens.append(random.choice(id_range))
            tags.append(TAGS.index(("B-" if j == 0 else "I-") + field))
    tokens, tags = tokens[:MAX_TOKENS], tags[:MAX_TOKENS]
    pad = MAX_TOKENS - len(tokens)
    return tokens + [0] * pad, tags + [-100] * pad


lines = [fake_invoice_line() for _ in range(48)]
all_tokens = torch.tensor([t for t, _ in lines])
all_tags = torch.tensor([g for _, g in lines])
split = 32
train_dl = DataLoader(TensorDataset(all_tokens[:split], all_tags[:split]), batch_size=BATCH, shuffle=True)
valid_dl = DataLoader(TensorDataset(all_tokens[split:], all_tags[split:]), batch_size=BATCH)

# ---- model -------------------------------------------------------------
class InvoiceTagger(nn.Module):
    def __init__(self, vocab, emb=64, hidden=64, n_tags=NUM_TAGS):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb, padding_idx=0)
        self.rnn = nn.GRU(emb, hidden, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(2 * hidden, n_tags)

    def forward(self, token_ids):
        h, _ = self.rnn(self.emb(token_ids))
        return self.out(self.drop(h))


accelerator = Accelerator(cpu=True)
tagger = InvoiceTagger(VOCAB_SIZE)
optimizer = torch.optim.Adam(tagger.parameters(), lr=LR)
criterion = nn.CrossEntropyLoss(ignore_index=-100)
tagger, optimizer, train_dl, valid_dl = accelerator.prepare(tagger, optimizer, train_dl, valid_dl)

# ---- training ----------------------------------------------------------
for epoch in range(EPOCHS):
    tagger.train()
    running = 0.0
    for step, (token_ids, tag_ids) in enumerate(train_dl):
        optimizer.zero_grad()
        tag_logits = tagger(token_ids)
        loss = criterion(tag_logits.reshape(-1, NUM_TAGS), tag_ids.reshape(-1))
        accelerator.backward(loss)
        optimizer.step()
        running += loss.item()
    accelerator.print(f"epoch {epoch}: train loss {running / (step + 1):.4f}")

    tagger.eval()
    correct = total = 0
    with torch.no_grad():
        for token_ids, tag_ids in valid_dl:
            pred = tagger(token_ids).argmax(-1)
            pred, tag_ids = accelerator.gather_for_metrics((pred, tag_ids))
            keep = tag_ids != -100
            correct += (pred[keep] == tag_ids[keep]).sum().item()
            total += keep.sum().item()
    accelerator.print(f"epoch {epoch}: token accuracy {correct / total:.3f}")
