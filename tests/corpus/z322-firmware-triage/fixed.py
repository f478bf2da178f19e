"""Route firmware bug reports to the owning team (bootloader / radio / power / sensors).

Tiny BERT trained from scratch on synthetic reports, just to smoke-test the pipeline
before we plug in the real ticket export.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

TEAMS = ["bootloader", "radio", "power", "sensors"]
KEYWORDS = {
    "bootloader": ["flash", "image", "signature", "rollback", "partition"],
    "radio": ["ble", "antenna", "rssi", "pairing", "advertising"],
    "power": ["battery", "brownout", "sleep", "current", "regulator"],
    "sensors": ["imu", "accelerometer", "calibration", "drift", "i2c"],
}
FILLER = ["device", "fails", "after", "update", "when", "the", "unit", "is", "reset",
          "reported", "by", "customer", "on", "board", "rev", "b", "intermittent", "error"]

CFG = {
    "max_len": 32,
    "batch_size": 8,
    "lr": 3e-4,
    "epochs": 1,
}


def write_vocab(folder):
    words = sorted({w for ws in KEYWORDS.values() for w in ws} | set(FILLER))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path, len(vocab)


def fake_report(team):
    n_kw = random.randint(1, 3)
    n_fill = random.randint(3, 14)
    words = random.sample(KEYWORDS[team], n_kw) + random.choices(FILLER, k=n_fill)
    random.shuffle(words)
    return " ".join(words)


class TicketDataset(Dataset):
    def __init__(self, tokenizer, n=64):
        self.tok = tokenizer
        self.rows = []
        for _ in range(n):
            team = random.choice(TEAMS)
            self.rows.append((fake_report(team), TEAMS.index(team)))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, label = self.rows[i]
        enc = self.tok(text, truncation=True, padding="max_length", max_length=CFG["max_len"],
                       return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(label)
        return item


tmp = tempfile.mkdtemp()
vocab_path, vocab_size = write_vocab(tmp)
tokenizer = BertTokenizer(vocab_path)

config = BertConfig(
    vocab_size=vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=len(TEAMS),
)
model = BertForSequenceClassification(config)

train_ds = TicketDataset(tokenizer, n=64)
train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True)
optim = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

model.train()
for epoch in range(CFG["epochs"]):
    running = 0.0
    for step, batch in enumerate(train_dl):
        out = model(**batch)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        running += out.loss.item()
    print(f"epoch {epoch}: mean loss {running / len(train_dl):.4f}")

model.eval()
with torch.no_grad():
    probe = tokenizer("battery brownout after sleep", return_tensors="pt")
    pred = model(**probe).logits.argmax(-1).item()
print("probe routed to:", TEAMS[pred])
