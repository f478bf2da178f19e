import random
import re
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

random.seed(7)
torch.manual_seed(7)

ATA_CHAPTERS = {"21": "air conditioning", "29": "hydraulic", "32": "landing gear",
                "36": "pneumatic", "49": "apu", "72": "engine"}
COMPONENTS = {
    "21": ["pack valve", "cabin temp sensor", "recirc fan", "trim air valve"],
    "29": ["green sys pump", "hyd reservoir", "edp", "ptu"],
    "32": ["nose wheel steering", "brake temp", "mlg strut", "tire pressure"],
    "36": ["bleed valve", "hp valve", "precooler", "bleed leak det"],
    "49": ["apu starter", "apu egt", "apu inlet door", "apu fuel valve"],
    "72": ["fan blade", "n2 vib", "oil press", "egt margin"],
}
VERBS = ["inop", "reported faulty", "found leaking", "intermittent", "ops check failed",
         "replaced iaw amm", "deferred per mel", "reset cb and tested ok"]


def synth_log():
    ata = random.choice(list(ATA_CHAPTERS))
    comp = random.choice(COMPONENTS[ata])
    verb = random.choice(VERBS)
    extra = random.choice(["", " on walkaround", " during taxi", " after landing", " crew report"])
    return f"{comp} {verb}{extra}", ata


def tokenize(text):
    return re.findall(r"[a-z0-9]+", text.lower())


class Vocab:
    def __init__(self, texts, min_freq=1):
        counts = Counter(tok for t in texts for tok in tokenize(t))
        self.itos = ["<pad>", "<unk>"] + sorted(w for w, c in counts.items() if c >= min_freq)
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.pad_id = 0

    def encode(self, text):
        return [self.stoi.get(tok, 1) for tok in tokenize(text)]

    def __len__(self):
        return len(self.itos)


class MaintLogDataset(Dataset):
    def __init__(self, records, vocab, label_map):
        self.records = records
        self.vocab = vocab
        self.label_map = label_map

    def __len__(self):
        return len(self.records)

    def __getitem__(self, i):
        text, ata = self.records[i]
        return torch.tensor(self.vocab.encode(text)), self.label_map[ata]


def make_collate(pad_id):
    def collate(batch):
        seqs, labels = zip(*batch)
        max_len = max(len(s) for s in seqs)
        ids = torch.full((len(seqs), max_len), pad_id, dtype=torch.long)
        attn = torch.zeros((len(seqs), max_len), dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = s
            attn[i, : len(s)] = 1
        return {"input_ids": ids, "attention_mask": attn, "labels": torch.tensor(labels)}
    return collate


class AttnPoolClassifier(nn.Module):
    def __init__(self, vocab_size, emb_dim, n_classes, pad_id):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb_dim, padding_idx=pad_id)
        self.enc = nn.GRU(emb_dim, emb_dim, batch_first=True, bidirectional=True)
        self.attn_score = nn.Linear(2 * emb_dim, 1)
        self.head = nn.Linear(2 * emb_dim, n_classes)

    def forward(self, input_ids, attention_mask):
        h, _ = self.enc(self.emb(input_ids))
        scores = self.attn_score(h).squeeze(-1)
        pad_positions = 1 - attention_mask
        scores = scores.masked_fill(pad_positions, float("-inf"))
        weights = F.softmax(scores, dim=-1)
        pooled = torch.bmm(weights.unsqueeze(1), h).squeeze(1)
        return self.head(pooled)


def main():
    records = [synth_log() for _ in range(600)]
    split = int(0.8 * len(records))
    train_recs, val_recs = records[:split], records[split:]

    vocab = Vocab([t for t, _ in train_recs])
    label_map = {ata: i for i, ata in enumerate(sorted(ATA_CHAPTERS))}

    collate = make_collate(vocab.pad_id)
    train_dl = DataLoader(MaintLogDataset(train_recs, vocab, label_map), batch_size=32,
                          shuffle=True, collate_fn=collate)
    val_dl = DataLoader(MaintLogDataset(val_recs, vocab, label_map), batch_size=64,
                        collate_fn=collate)

    model = AttnPoolClassifier(len(vocab), 48, len(label_map), vocab.pad_id)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)

    for epoch in range(3):
        model.train()
        total = 0.0
        for batch in train_dl:
            logits = model(batch["input_ids"], batch["attention_mask"])
            loss = F.cross_entropy(logits, batch["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()

        model.eval()
        correct = n = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(batch["input_ids"], batch["attention_mask"]).argmax(-1)
                correct += (pred == batch["labels"]).sum().item()
                n += len(pred)
        print(f"epoch {epoch} train_loss={total / len(train_dl):.4f} val_acc={correct / n:.3f}")


if __name__ == "__main__":
    main()
