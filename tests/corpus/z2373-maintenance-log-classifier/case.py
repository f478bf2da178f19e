import re
import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(11)
np.random.seed(11)
torch.manual_seed(11)

ATA_CHAPTERS = {
    21: "air conditioning",
    29: "hydraulic power",
    32: "landing gear",
    34: "navigation",
    36: "pneumatic",
    79: "oil",
}

PHRASES = {
    21: ["pack 1 trip on climb", "cabin temp high aft zone", "recirc fan inop", "trim air valve fault"],
    29: ["green sys low press", "hyd qty low blue", "edp caution on taxi", "ptu running noisy"],
    32: ["brake temp high wheel 3", "nose gear steering fault", "tire worn to limits", "gear disagree light"],
    34: ["adiru 2 fault", "ils loc flag capt side", "weather radar inop", "gps primary lost"],
    36: ["bleed 2 fault", "hp valve stuck closed", "engine bleed leak det", "precooler outlet temp high"],
    79: ["oil press low eng 2", "oil qty decreasing", "chip detector lit", "oil filter clog msg"],
}
ACTIONS = ["reset cb ok", "replaced unit ops test good", "deferred per mel", "no fault found",
           "cleaned connector", "troubleshot iaw tsm", "serviced to full"]


def make_logs(n):
    rows = []
    chapters = list(ATA_CHAPTERS)
    for _ in range(n):
        ch = random.choice(chapters)
        text = random.choice(PHRASES[ch])
        if random.random() < 0.6:
            text += " " + random.choice(PHRASES[ch])
        text += " . " + random.choice(ACTIONS)
        if random.random() < 0.3:
            text += " " + random.choice(ACTIONS)
        rows.append((f"TLB-{random.randint(10000, 99999)}", text, ch))
    return rows


class LogTokenizer:
    PAD, UNK = "<pad>", "<unk>"

    def __init__(self, min_freq=1):
        self.min_freq = min_freq
        self.stoi = {self.PAD: 0, self.UNK: 1}

    @staticmethod
    def split(text):
        return re.findall(r"[a-z0-9]+|[.]", text.lower())

    def fit(self, texts):
        counts = Counter(tok for t in texts for tok in self.split(t))
        for tok, c in counts.most_common():
            if c >= self.min_freq:
                self.stoi[tok] = len(self.stoi)
        return self

    def encode(self, text, max_len=None):
        ids = [self.stoi.get(t, 1) for t in self.split(text)]
        if max_len is not None:
            ids = ids[:max_len] + [0] * max(0, max_len - len(ids))
        return ids

    def __len__(self):
        return len(self.stoi)


class TechLogDataset(Dataset):
    def __init__(self, rows, tokenizer, label_map):
        self.rows = rows
        self.tok = tokenizer
        self.label_map = label_map

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        _, text, chapter = self.rows[i]
        ids = torch.tensor(self.tok.encode(text), dtype=torch.long)
        return ids, torch.tensor(self.label_map[chapter])


class AtaClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, emb_dim=48, hidden=64):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.rnn = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Sequential(nn.Dropout(0.2), nn.Linear(2 * hidden, n_classes))

    def forward(self, ids):
        mask = (ids != 0).unsqueeze(-1).float()
        h, _ = self.rnn(self.emb(ids))
        pooled = (h * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(pooled)


def main():
    logs = make_logs(400)
    split = int(0.8 * len(logs))
    train_rows, val_rows = logs[:split], logs[split:]

    tok = LogTokenizer().fit([r[1] for r in train_rows])
    label_map = {ch: i for i, ch in enumerate(sorted(ATA_CHAPTERS))}

    train_dl = DataLoader(TechLogDataset(train_rows, tok, label_map), batch_size=32, shuffle=True)
    val_dl = DataLoader(TechLogDataset(val_rows, tok, label_map), batch_size=64)

    model = AtaClassifier(len(tok), len(label_map))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        model.train()
        for ids, y in train_dl:
            loss = loss_fn(model(ids), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        correct = total = 0
        with torch.no_grad():
            for ids, y in val_dl:
                correct += (model(ids).argmax(-1) == y).sum().item()
                total += len(y)
        print(f"epoch {epoch}: loss={loss.item():.3f} val_acc={correct / total:.3f}")


if __name__ == "__main__":
    main()
