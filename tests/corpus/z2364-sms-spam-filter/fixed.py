import random
import re
from collections import Counter

import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader

SEED = 17
random.seed(SEED)
torch.manual_seed(SEED)

CFG = {
    "max_len": 40,
    "min_freq": 2,
    "emb_dim": 48,
    "hidden": 64,
    "batch_size": 16,
    "epochs": 2,
    "lr": 2e-3,
}

PAD, UNK = "<pad>", "<unk>"

HAM_TEMPLATES = [
    "hey are we still on for {day} at {time}",
    "can you pick up {item} on the way home",
    "running late, be there around {time}",
    "did you see the game last night lol",
    "mom says dinner is at {time} on {day}",
    "ok sounds good see you {day}",
]
SPAM_TEMPLATES = [
    "WINNER!! you have been selected for a {prize} claim now at {url}",
    "URGENT your account is locked verify at {url} within 24 hours",
    "free {prize} txt WIN to {num} now!!! limited offer",
    "congratulations you won a {prize} call {num} to claim",
    "cheap loans approved instantly reply YES to {num}",
]
FILL = {
    "day": ["monday", "tuesday", "friday", "saturday"],
    "time": ["6pm", "7:30", "noon", "8"],
    "item": ["milk", "bread", "the kids", "my parcel"],
    "prize": ["iphone", "$1000 gift card", "cruise", "ps5"],
    "url": ["bit.ly/xx1", "secure-login.co", "win-now.biz"],
    "num": ["80082", "69911", "555-0199"],
}


def make_message(template):
    out = template
    for key, options in FILL.items():
        out = out.replace("{" + key + "}", random.choice(options))
    return out


def synth_corpus(n=400):
    rows = []
    for _ in range(n):
        if random.random() < 0.35:
            rows.append((make_message(random.choice(SPAM_TEMPLATES)), 1))
        else:
            rows.append((make_message(random.choice(HAM_TEMPLATES)), 0))
    return rows


def tokenize(text):
    return re.findall(r"[a-z0-9$]+|[!?]", text.lower())


def build_vocab(texts, min_freq):
    counts = Counter(tok for t in texts for tok in tokenize(t))
    itos = [PAD, UNK] + sorted(w for w, c in counts.items() if c >= min_freq)
    return {w: i for i, w in enumerate(itos)}


def encode(text, vocab, max_len, pad_to=None):
    ids = [vocab.get(tok, vocab[UNK]) for tok in tokenize(text)][:max_len]
    if pad_to is not None:
        ids = ids + [vocab[PAD]] * (pad_to - len(ids))
    return ids


class SmsDataset(Dataset):
    def __init__(self, rows, vocab, max_len):
        self.items = []
        for text, label in rows:
            ids = encode(text, vocab, max_len)
            self.items.append({"input_ids": torch.tensor(ids, dtype=torch.long),
                               "length": len(ids),
                               "label": label})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


def collate_sms(batch):
    input_ids = nn.utils.rnn.pad_sequence([b["input_ids"] for b in batch], batch_first=True, padding_value=0)
    lengths = torch.tensor([b["length"] for b in batch])
    labels = torch.tensor([b["label"] for b in batch], dtype=torch.float)
    return input_ids, lengths, labels


class SpamGRU(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.gru = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, 1)

    def forward(self, input_ids, lengths):
        x = self.emb(input_ids)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        h = torch.cat([h[-2], h[-1]], dim=-1)
        return self.head(h).squeeze(-1)


def run_epoch(model, loader, opt, loss_fn):
    model.train()
    total, correct, seen = 0.0, 0, 0
    for input_ids, lengths, labels in loader:
        opt.zero_grad()
        logits = model(input_ids, lengths)
        loss = loss_fn(logits, labels)
        loss.backward()
        opt.step()
        total += loss.item() * labels.size(0)
        correct += ((logits > 0).float() == labels).sum().item()
        seen += labels.size(0)
    return total / seen, correct / seen


def main():
    rows = synth_corpus()
    split = int(0.8 * len(rows))
    train_rows, val_rows = rows[:split], rows[split:]
    vocab = build_vocab([t for t, _ in train_rows], CFG["min_freq"])
    print(f"vocab size: {len(vocab)}  train={len(train_rows)} val={len(val_rows)}")

    train_ds = SmsDataset(train_rows, vocab, CFG["max_len"])
    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=collate_sms)

    model = SpamGRU(len(vocab), CFG["emb_dim"], CFG["hidden"])
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])
    loss_fn = nn.BCEWithLogitsLoss()

    for epoch in range(CFG["epochs"]):
        loss, acc = run_epoch(model, train_dl, opt, loss_fn)
        print(f"epoch {epoch}: loss={loss:.4f} acc={acc:.3f}")


if __name__ == "__main__":
    main()
