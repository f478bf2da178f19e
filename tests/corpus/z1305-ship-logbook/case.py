"""Sea-state classifier for free-text deck log entries (plain PyTorch, no tokenizer lib).

Each log entry is a dict as exported from the bridge logging app. We predict the
Douglas band (calm / moderate / rough) from the officer's wording.
"""
import functools
from collections import defaultdict, deque
from dataclasses import dataclass

import torch
import torch.nn as nn

torch.manual_seed(11)

BANDS = ["calm", "moderate", "rough"]

TRAIN_LOG = [
    {"watch": "0000-0400", "text": "sea smooth, light airs, vessel steady on course", "band": "calm"},
    {"watch": "0400-0800", "text": "moderate swell from west, some spray over bow", "band": "moderate"},
    {"watch": "0800-1200", "text": "heavy seas, green water on deck, speed reduced", "band": "rough"},
    {"watch": "1200-1600", "text": "slight sea, light breeze, vessel steady", "band": "calm"},
    {"watch": "1600-2000", "text": "swell increasing, spray over bow, rolling moderate", "band": "moderate"},
    {"watch": "2000-2400", "text": "very heavy seas, pitching badly, speed reduced", "band": "rough"},
    {"watch": "0000-0400", "text": "sea smooth, vessel steady, no swell", "band": "calm"},
    {"watch": "0400-0800", "text": "rough sea, heavy spray, rolling badly", "band": "rough"},
]

VALID_LOG = [
    {"watch": "0800-1200", "text": "glassy sea, fog patches, vessel steady", "band": "calm"},
    {"watch": "1200-1600", "text": "confused swell, occasional spray over bow", "band": "moderate"},
    {"watch": "1600-2000", "text": "heavy seas, hove to, green water on deck", "band": "rough"},
]


@dataclass
class ModelCfg:
    vocab_size: int
    dim: int = 24
    n_classes: int = len(BANDS)


class LogClassifier(nn.Module):
    def __init__(self, cfg: ModelCfg):
        super().__init__()
        self.embed = nn.Embedding(cfg.vocab_size, cfg.dim, padding_idx=0)
        self.head = nn.Sequential(nn.Linear(cfg.dim, cfg.dim), nn.Tanh(), nn.Linear(cfg.dim, cfg.n_classes))

    def forward(self, word_ids, keep):
        vecs = self.embed(word_ids) * keep.unsqueeze(-1)
        pooled = vecs.sum(1) / keep.sum(1, keepdim=True).clamp(min=1)
        return self.head(pooled)


def tokenize(text):
    return text.replace(",", " ").lower().split()


def encode(text, vocab):
    return [vocab[w] for w in tokenize(text)]


def collate(entries, vocab):
    seqs = [encode(e["text"], vocab) for e in entries]
    width = max(len(s) for s in seqs)
    word_ids = torch.zeros(len(seqs), width, dtype=torch.long)
    keep = torch.zeros(len(seqs), width)
    for row, s in enumerate(seqs):
        word_ids[row, : len(s)] = torch.tensor(s)
        keep[row, : len(s)] = 1.0
    gold = torch.tensor([BANDS.index(e["band"]) for e in entries])
    return word_ids, keep, gold


def chunks(items, n):
    for i in range(0, len(items), n):
        yield items[i : i + n]


def main():
    vocab = defaultdict(lambda: len(vocab))
    vocab["<pad>"], vocab["<unk>"]  # reserve 0 and 1
    for entry in TRAIN_LOG:
        for w in tokenize(entry["text"]):
            vocab[w]
    print(f"vocab: {len(vocab)} words from {len(TRAIN_LOG)} entries")

    cfg = ModelCfg(vocab_size=len(vocab))
    model = LogClassifier(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    make_batch = functools.partial(collate, vocab=vocab)
    recent = deque(maxlen=4)

    for epoch in range(2):
        model.train()
        for part in chunks(TRAIN_LOG, 4):
            word_ids, keep, gold = make_batch(part)
            loss = loss_fn(model(word_ids, keep), gold)
            opt.zero_grad()
            loss.backward()
            opt.step()
            recent.append(loss.item())
        if epoch % 5 == 4:
            print(f"epoch {epoch + 1:>2}  loss(avg last {len(recent)}) {sum(recent) / len(recent):.3f}")

    model.eval()
    with torch.no_grad():
        word_ids, keep, gold = make_batch(VALID_LOG)
        pred = model(word_ids, keep).argmax(-1)
    for entry, p in zip(VALID_LOG, pred.tolist()):
        print(f"{entry['watch']}  {BANDS[p]:<9} (logged {entry['band']})  {entry['text']}")
    print(f"accuracy {(pred == gold).float().mean().item():.2f}")


if __name__ == "__main__":
    main()
