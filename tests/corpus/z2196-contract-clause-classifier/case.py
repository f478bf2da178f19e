import random
import re
from collections import Counter

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

CLAUSE_TYPES = [
    "governing_law",
    "termination",
    "indemnification",
    "confidentiality",
    "limitation_of_liability",
    "assignment",
]

TEMPLATES = {
    "governing_law": "this agreement shall be governed by and construed in accordance with the laws of the state of {place}",
    "termination": "either party may terminate this agreement upon {n} days written notice to the other party",
    "indemnification": "the {party} shall indemnify defend and hold harmless the other party from any claims losses and damages",
    "confidentiality": "the receiving party shall hold in strict confidence all confidential information disclosed by the {party}",
    "limitation_of_liability": "in no event shall the {party} be liable for any indirect incidental or consequential damages exceeding {n} dollars",
    "assignment": "neither party may assign this agreement without the prior written consent of the {party}",
}
PLACES = ["delaware", "new york", "california", "texas", "illinois"]
PARTIES = ["licensor", "licensee", "supplier", "customer", "company", "contractor"]


def make_clauses(n):
    rows = []
    for _ in range(n):
        label = random.choice(CLAUSE_TYPES)
        text = TEMPLATES[label].format(
            place=random.choice(PLACES),
            n=random.choice([10, 30, 60, 90, 1000, 50000]),
            party=random.choice(PARTIES),
        )
        words = text.split()
        if random.random() < 0.5:
            words = words[: random.randint(8, len(words))]
        rows.append({"text": " ".join(words), "label": label})
    return rows


def tokenize(text):
    return re.findall(r"[a-z]+|\d+", text.lower())


class ClauseVocab:
    def __init__(self, texts, min_freq=1):
        counts = Counter(tok for t in texts for tok in tokenize(t))
        self.itos = ["[PAD]", "[UNK]"] + sorted(w for w, c in counts.items() if c >= min_freq)
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.pad_id = 0
        self.unk_id = 1

    def encode(self, text):
        return [self.stoi.get(tok, self.unk_id) for tok in tokenize(text)]

    def __len__(self):
        return len(self.itos)


class ClauseDataset(Dataset):
    def __init__(self, rows, vocab, label2id):
        self.examples = [(vocab.encode(r["text"]), label2id[r["label"]]) for r in rows]

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, idx):
        return self.examples[idx]


def pad_collate(batch, pad_id=0):
    max_len = max(len(ids) for ids, _ in batch)
    input_ids = torch.zeros(len(batch), max_len)
    attention = torch.zeros(len(batch), max_len, dtype=torch.bool)
    for i, (ids, _) in enumerate(batch):
        input_ids[i, : len(ids)] = torch.tensor(ids)
        attention[i, : len(ids)] = True
    if pad_id != 0:
        input_ids[~attention] = pad_id
    labels = torch.tensor([lab for _, lab in batch], dtype=torch.long)
    return {"input_ids": input_ids, "attention_mask": attention, "labels": labels}


class ClauseClassifier(nn.Module):
    def __init__(self, vocab_size, num_labels, emb_dim=64, hidden=64, dropout=0.1):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.encoder = nn.Sequential(nn.Linear(emb_dim, hidden), nn.GELU(), nn.Dropout(dropout))
        self.head = nn.Linear(hidden, num_labels)

    def forward(self, input_ids, attention_mask):
        x = self.embed(input_ids)
        x = self.encoder(x)
        m = attention_mask.unsqueeze(-1).float()
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1.0)
        return self.head(pooled)


def run_epoch(model, loader, optimizer=None):
    training = optimizer is not None
    model.train(training)
    total_loss, correct, seen = 0.0, 0, 0
    loss_fn = nn.CrossEntropyLoss()
    for batch in loader:
        with torch.set_grad_enabled(training):
            logits = model(batch["input_ids"], batch["attention_mask"])
            loss = loss_fn(logits, batch["labels"])
        if training:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        total_loss += loss.item() * len(batch["labels"])
        correct += (logits.argmax(-1) == batch["labels"]).sum().item()
        seen += len(batch["labels"])
    return total_loss / seen, correct / seen


def main():
    rows = make_clauses(600)
    split = int(0.8 * len(rows))
    train_rows, dev_rows = rows[:split], rows[split:]

    vocab = ClauseVocab([r["text"] for r in train_rows])
    label2id = {lab: i for i, lab in enumerate(CLAUSE_TYPES)}

    train_ds = ClauseDataset(train_rows, vocab, label2id)
    dev_ds = ClauseDataset(dev_rows, vocab, label2id)
    train_dl = DataLoader(train_ds, batch_size=32, shuffle=True, collate_fn=pad_collate)
    dev_dl = DataLoader(dev_ds, batch_size=64, collate_fn=pad_collate)

    model = ClauseClassifier(len(vocab), len(label2id))
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)

    for epoch in range(3):
        tr_loss, tr_acc = run_epoch(model, train_dl, optimizer)
        dv_loss, dv_acc = run_epoch(model, dev_dl)
        print(f"epoch {epoch} train_loss={tr_loss:.3f} acc={tr_acc:.3f} dev_loss={dv_loss:.3f} acc={dv_acc:.3f}")


if __name__ == "__main__":
    main()
