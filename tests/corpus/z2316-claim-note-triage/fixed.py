"""Claim note triage: route first-notice-of-loss notes to the right handling queue."""
import random
import re

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SEED = 7
random.seed(SEED)
torch.manual_seed(SEED)

QUEUES = ["fast_track", "standard", "complex_liability", "siu_referral"]

FRAGMENTS = {
    "fast_track": [
        "windshield chip reported no injuries photos attached",
        "minor hail damage to hood estimate under deductible",
        "glass only claim insured requests mobile repair",
    ],
    "standard": [
        "rear end collision at low speed other party admits fault",
        "water leak from dishwasher kitchen floor damaged",
        "tree branch fell on garage roof contractor quote pending",
    ],
    "complex_liability": [
        "multi vehicle pileup on highway injuries reported attorney retained",
        "slip and fall at insured premises claimant hospitalised",
        "dog bite incident neighbour seeking damages medical bills",
    ],
    "siu_referral": [
        "vehicle reported stolen two days after policy inception no keys",
        "fire loss at vacant property prior claims history inconsistent statements",
        "late reported theft receipts appear altered claimant unreachable",
    ],
}


def make_notes(n_per_queue=40):
    rows = []
    for q_idx, q in enumerate(QUEUES):
        for _ in range(n_per_queue):
            base = random.choice(FRAGMENTS[q]).split()
            extra = random.choice([f for k in QUEUES for f in FRAGMENTS[k]]).split()
            words = base + random.sample(extra, k=random.randint(0, 3))
            rows.append((" ".join(words), q_idx))
    random.shuffle(rows)
    return rows


def simple_tokenize(text):
    return re.findall(r"[a-z]+", text.lower())


class ClaimVocab:
    PAD, UNK = "<pad>", "<unk>"

    def __init__(self, texts, min_freq=1):
        counts = {}
        for t in texts:
            for w in simple_tokenize(t):
                counts[w] = counts.get(w, 0) + 1
        self.itos = [self.PAD, self.UNK] + sorted(w for w, c in counts.items() if c >= min_freq)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, text, max_len):
        ids = [self.stoi.get(w, 1) for w in simple_tokenize(text)][:max_len]
        return ids

    def __len__(self):
        return len(self.itos)


class ClaimNoteDataset(Dataset):
    def __init__(self, rows, vocab, max_len=32):
        self.rows = rows
        self.vocab = vocab
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, label = self.rows[i]
        return self.vocab.encode(text, self.max_len), label


def collate_notes(batch):
    longest = max(len(ids) for ids, _ in batch)
    input_ids = torch.zeros(len(batch), longest, dtype=torch.long)
    attention_mask = torch.zeros(len(batch), longest, dtype=torch.long)
    for row, (ids, _) in enumerate(batch):
        input_ids[row, : len(ids)] = torch.tensor(ids)
        attention_mask[row, : len(ids)] = 1
    labels = torch.tensor([lab for _, lab in batch])
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


class TriageEncoder(nn.Module):
    def __init__(self, vocab_size, n_queues, d_model=64, n_heads=4, n_layers=2, max_len=32):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.pos = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(
            d_model, n_heads, dim_feedforward=128, dropout=0.1, batch_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.head = nn.Linear(d_model, n_queues)

    def forward(self, input_ids, attention_mask):
        positions = torch.arange(input_ids.size(1), device=input_ids.device)
        h = self.tok(input_ids) + self.pos(positions)[None]
        pad_mask = attention_mask == 0
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        m = attention_mask.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled)


def run_epoch(model, loader, optimizer, loss_fn):
    model.train()
    total, correct, loss_sum = 0, 0, 0.0
    for batch in loader:
        optimizer.zero_grad()
        logits = model(batch["input_ids"], batch["attention_mask"])
        loss = loss_fn(logits, batch["labels"])
        loss.backward()
        optimizer.step()
        loss_sum += loss.item() * len(batch["labels"])
        correct += (logits.argmax(-1) == batch["labels"]).sum().item()
        total += len(batch["labels"])
    return loss_sum / total, correct / total


def main():
    rows = make_notes()
    split = int(0.8 * len(rows))
    vocab = ClaimVocab([t for t, _ in rows[:split]])
    train_ds = ClaimNoteDataset(rows[:split], vocab)
    loader = DataLoader(train_ds, batch_size=16, shuffle=True, collate_fn=collate_notes)

    model = TriageEncoder(len(vocab), len(QUEUES))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        loss, acc = run_epoch(model, loader, optimizer, loss_fn)
        print(f"epoch {epoch} loss={loss:.4f} acc={acc:.3f}")


if __name__ == "__main__":
    main()
