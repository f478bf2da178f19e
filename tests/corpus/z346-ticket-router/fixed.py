# Route customer-support tickets to one of four queues (billing, outage,
# hardware, account). Each ticket is encoded as three segments:
#   [CLS] subject [SEP] body [SEP] product line [SEP]
# and each segment gets its own token_type id so the model can tell them apart.
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 2024
BATCH = 8
EPOCHS = 1
LR = 1e-3
MAX_LEN = 48
QUEUES = ["billing", "outage", "hardware", "account"]

random.seed(SEED)
torch.manual_seed(SEED)

SUBJECTS = {
    "billing": ["charged twice", "refund request", "invoice wrong"],
    "outage": ["service down", "cannot connect", "site unreachable"],
    "hardware": ["router broken", "modem lights off", "cable damaged"],
    "account": ["password reset", "cannot login", "change email"],
}
BODIES = {
    "billing": "my card was charged again this month please refund",
    "outage": "the connection has been down since this morning",
    "hardware": "the device stopped working after the storm",
    "account": "i cannot get into my account after the update",
}
PRODUCTS = ["fiber home", "mobile plan", "business line"]

words = set()
for q in QUEUES:
    for s in SUBJECTS[q]:
        words.update(s.split())
    words.update(BODIES[q].split())
for p in PRODUCTS:
    words.update(p.split())

tmpdir = tempfile.mkdtemp(prefix="tickets_")
vocab_file = os.path.join(tmpdir, "vocab.txt")
with open(vocab_file, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
tokenizer = BertTokenizer(vocab_file)

tickets = []
for _ in range(80):
    label = random.randrange(len(QUEUES))
    queue = QUEUES[label]
    tickets.append({
        "subject": random.choice(SUBJECTS[queue]),
        "body": BODIES[queue],
        "product": random.choice(PRODUCTS),
        "label": label,
    })


def encode_ticket(ticket):
    ids = [tokenizer.cls_token_id]
    segs = [0]
    for seg_id, field in enumerate(["subject", "body", "product"]):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(ticket[field]))
        piece = piece + [tokenizer.sep_token_id]
        ids += piece
        segs += [seg_id] * len(piece)
    return ids[:MAX_LEN], segs[:MAX_LEN]


def collate_tickets(batch):
    encoded = [encode_ticket(t) for t in batch]
    width = max(len(ids) for ids, _ in encoded)
    input_ids = torch.full((len(batch), width), tokenizer.pad_token_id, dtype=torch.long)
    token_type_ids = torch.zeros((len(batch), width), dtype=torch.long)
    attention_mask = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (ids, segs) in enumerate(encoded):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        token_type_ids[row, : len(segs)] = torch.tensor(segs)
        attention_mask[row, : len(ids)] = 1
    labels = torch.tensor([t["label"] for t in batch])
    return {"input_ids": input_ids, "token_type_ids": token_type_ids,
            "attention_mask": attention_mask, "labels": labels}


config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    type_vocab_size=3,
    num_labels=len(QUEUES),
)
model = BertForSequenceClassification(config)

accelerator = Accelerator(cpu=True)
train_loader = DataLoader(tickets, batch_size=BATCH, shuffle=True, collate_fn=collate_tickets)
optimizer = torch.optim.AdamW(model.parameters(), lr=LR)
model, optimizer, train_loader = accelerator.prepare(model, optimizer, train_loader)

model.train()
for epoch in range(EPOCHS):
    running = 0.0
    for step, batch in enumerate(train_loader):
        outputs = model(**batch)
        accelerator.backward(outputs.loss)
        optimizer.step()
        optimizer.zero_grad()
        running += outputs.loss.item()
    accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

model.eval()
with torch.no_grad():
    probe = collate_tickets(tickets[:4])
    preds = model(**{k: v.to(accelerator.device) for k, v in probe.items()}).logits.argmax(-1)
accelerator.print("predicted queues:", [QUEUES[i] for i in preds.tolist()])
