import random
from dataclasses import dataclass
import torch
import torch.nn as nn
from torch.utils.data import Dataset, DataLoader
from torch.nn.utils.rnn import pad_sequence

MAX_LEN = 48
PAD = 0

CONDITION_WORDS = ["crack", "craquelure", "flaking", "foxing", "tear", "loss", "stable",
                   "intact", "abrasion", "discolouration", "mould", "insect", "damage",
                   "minor", "severe", "surface", "dirt", "varnish", "yellowed", "repaired",
                   "lower", "upper", "left", "right", "edge", "corner", "frame", "support",
                   "paint", "layer", "good", "overall", "condition", "some", "no", "visible"]

GRADES = ["good", "fair", "poor"]


@dataclass
class Cfg:
    emb_dim: int = 32
    n_heads: int = 4
    n_layers: int = 2
    lr: float = 1e-3
    batch_size: int = 6
    epochs: int = 2


class ConditionReports(Dataset):
    def __init__(self, reports, word2id):
        self.reports = reports
        self.w2i = word2id

    def __len__(self):
        return len(self.reports)

    def __getitem__(self, i):
        text, grade = self.reports[i]
        ids = [self.w2i.get(w, 1) for w in text.split()][:MAX_LEN]
        return torch.tensor(ids, dtype=torch.long), grade


def make_collate():
    def collate(batch):
        seqs = [b[0] for b in batch]
        ys = torch.tensor([b[1] for b in batch])
        lens = torch.tensor([len(s) for s in seqs])
        padded = pad_sequence(seqs, batch_first=True, padding_value=PAD)
        pad_mask = torch.arange(MAX_LEN)[None, :] >= lens[:, None]
        return {"ids": padded, "pad_mask": pad_mask, "y": ys, "lens": lens}
    return collate


class ReportClassifier(nn.Module):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, cfg.emb_dim, padding_idx=PAD)
        self.pos = nn.Embedding(MAX_LEN, cfg.emb_dim)
        layer = nn.TransformerEncoderLayer(cfg.emb_dim, cfg.n_heads, dim_feedforward=64,
                                           batch_first=True, dropout=0.1)
        self.enc = nn.TransformerEncoder(layer, cfg.n_layers, enable_nested_tensor=False)
        self.out = nn.Linear(cfg.emb_dim, len(GRADES))

    def forward(self, ids, pad_mask):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.emb(ids) + self.pos(positions)
        h = self.enc(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1)
        return self.out(pooled)


def main():
    random.seed(11)
    torch.manual_seed(11)
    cfg = Cfg()
    print(cfg)

    reports = []
    for k in range(60):
        n = random.randint(5, 30)
        txt = " ".join(random.choice(CONDITION_WORDS) for _ in range(n))
        grade = 0 if "intact" in txt or "stable" in txt else (2 if "severe" in txt else 1)
        reports.append((txt, grade))
    print("n reports", len(reports))
    print(reports[0])

    word2id = {"<pad>": 0, "<unk>": 1}
    for t, _ in reports:
        for w in t.split():
            if w not in word2id:
                word2id[w] = len(word2id)
    print("vocab", len(word2id))

    split = int(0.8 * len(reports))
    train_ds = ConditionReports(reports[:split], word2id)
    val_ds = ConditionReports(reports[split:], word2id)
    print("train/val", len(train_ds), len(val_ds))

    collate_fn = make_collate()
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True, collate_fn=collate_fn)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size, shuffle=False, collate_fn=collate_fn)

    first = next(iter(train_dl))
    print("first batch ids", first["ids"].shape, "lens", first["lens"].tolist())

    model = ReportClassifier(len(word2id), cfg)
    optim = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    crit = nn.CrossEntropyLoss()

    for ep in range(cfg.epochs):
        model.train()
        running = 0
        for step, batch in enumerate(train_dl):
            logits = model(batch["ids"], batch["pad_mask"])
            loss = crit(logits, batch["y"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
            if step % 2 == 0:
                print("ep", ep, "step", step, "loss", loss.item())
        print("epoch", ep, "avg loss", running / len(train_dl))

        model.eval()
        right = 0
        total = 0
        with torch.no_grad():
            for batch2 in val_dl:
                lg = model(batch2["ids"], batch2["pad_mask"])
                right += (lg.argmax(1) == batch2["y"]).sum().item()
                total += len(batch2["y"])
        print("val acc", right / total)


if __name__ == "__main__":
    main()
