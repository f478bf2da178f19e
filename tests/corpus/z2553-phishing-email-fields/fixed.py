import os
import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(1234)
torch.manual_seed(1234)

WORKDIR = os.path.dirname(os.path.abspath(__file__))
MAX_LEN = 96
BATCH_SIZE = 16
FIELDS = ("subject", "sender", "body")

WORDS = (
    "your account has been suspended verify password login click here urgent invoice "
    "attached payment overdue meeting tomorrow agenda team lunch report quarterly review "
    "update security alert unusual activity confirm identity bank wire transfer gift card "
    "reset link expires today thanks regards please find the notes from call schedule "
    "paypal microsoft office365 helpdesk hr payroll com net ru xyz support noreply admin"
).split()

model_cfg = dict(
    hidden_size=64,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=128,
    max_position_embeddings=128,
    hidden_dropout_prob=0.1,
)


def write_vocab():
    path = os.path.join(WORKDIR, "mail_vocab.txt")
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "@", "."] + sorted(set(WORDS))
    with open(path, "w") as fh:
        fh.write("\n".join(toks) + "\n")
    return path


def fake_email(is_phish):
    pick = lambda n: " ".join(random.choices(WORDS, k=n))
    if is_phish:
        subject = random.choice(["urgent", "security alert", "verify"]) + " " + pick(3)
        sender = f"{random.choice(['support', 'helpdesk', 'noreply'])}@{random.choice(['paypal', 'microsoft'])}.{random.choice(['ru', 'xyz'])}"
    else:
        subject = random.choice(["meeting", "report", "lunch"]) + " " + pick(2)
        sender = f"{random.choice(['hr', 'admin', 'team'])}@payroll.com"
    body = pick(random.randint(15, 50))
    return {"subject": subject, "sender": sender, "body": body, "label": int(is_phish)}


def encode_email(tok, email):
    """[CLS] subject [SEP] sender [SEP] body [SEP], one segment id per field."""
    ids = [tok.cls_token_id]
    segs = [0]
    for seg_id, field in enumerate(FIELDS):
        piece = tok.convert_tokens_to_ids(tok.tokenize(email[field])) + [tok.sep_token_id]
        ids += piece
        segs += [seg_id] * len(piece)
    ids, segs = ids[:MAX_LEN], segs[:MAX_LEN]
    pad = MAX_LEN - len(ids)
    return (
        ids + [tok.pad_token_id] * pad,
        segs + [0] * pad,
        [1] * len(ids) + [0] * pad,
    )


def make_batches(tok, emails):
    for i in range(0, len(emails), BATCH_SIZE):
        chunk = emails[i:i + BATCH_SIZE]
        enc = [encode_email(tok, e) for e in chunk]
        yield {
            "input_ids": torch.tensor([e[0] for e in enc]),
            "token_type_ids": torch.tensor([e[1] for e in enc]),
            "attention_mask": torch.tensor([e[2] for e in enc]),
            "labels": torch.tensor([e["label"] for e in chunk], dtype=torch.float),
        }


class PhishHead(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder
        self.out = nn.Linear(encoder.config.hidden_size, 1)

    def forward(self, input_ids, token_type_ids, attention_mask):
        h = self.encoder(
            input_ids=input_ids,
            token_type_ids=token_type_ids,
            attention_mask=attention_mask,
        ).pooler_output
        return self.out(h).squeeze(-1)


vocab_path = write_vocab()
tokenizer = BertTokenizer(vocab_path, do_lower_case=True)
emails = [fake_email(random.random() < 0.4) for _ in range(128)]

config = BertConfig(vocab_size=tokenizer.vocab_size, type_vocab_size=len(FIELDS), **model_cfg)
clf = PhishHead(BertModel(config))
optimizer = torch.optim.AdamW(clf.parameters(), lr=3e-4)
loss_fn = nn.BCEWithLogitsLoss()

for epoch in range(2):
    clf.train()
    running = 0.0
    for step, batch in enumerate(make_batches(tokenizer, emails)):
        labels = batch.pop("labels")
        logits = clf(**batch)
        loss = loss_fn(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        running += loss.item()
    print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")
