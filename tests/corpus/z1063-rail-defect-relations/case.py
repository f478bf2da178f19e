"""Relation classifier for railway maintenance logs: which component does a defect mention belong to?"""
import random

import torch
from torch import nn

random.seed(7)
torch.manual_seed(7)

RELATIONS = ["defect_of", "caused_by", "unrelated"]
# each log line marks the first mention with <e1> and the second with <e2>
LOGS = [
    ("<e1> hairline crack </e1> found on <e2> rail head </e2> near km 12", "defect_of"),
    ("<e1> wheel flat </e1> after emergency braking of <e2> bogie two </e2>", "defect_of"),
    ("<e1> track buckling </e1> due to <e2> heat wave </e2>", "caused_by"),
    ("<e1> signal fault </e1> logged while <e2> ballast cleaning </e2> ran on adjacent line", "unrelated"),
    ("<e1> corrosion </e1> on <e2> catenary mast </e2>", "defect_of"),
    ("<e1> points failure </e1> traced to <e2> frozen drain </e2>", "caused_by"),
    ("<e1> loose fishplate </e1> reported ; <e2> platform lighting </e2> replaced same shift", "unrelated"),
    ("<e1> spalling </e1> along <e2> sleeper edge </e2> at crossing", "defect_of"),
    ("<e1> overhead line sag </e1> caused by <e2> storm damage </e2>", "caused_by"),
    ("<e1> brake pad wear </e1> noted ; <e2> station clock </e2> repaired", "unrelated"),
]


class Vocab:
    __slots__ = ("itos", "stoi")

    def __init__(self, itos):
        self.itos = itos
        self.stoi = {w: i for i, w in enumerate(itos)}

    @classmethod
    def from_lines(cls, lines):
        return cls(["<pad>", "<unk>"] + sorted({w for line in lines for w in line.split()}))

    @property
    def size(self):
        return len(self.itos)

    def encode(self, line):
        return [self.stoi.get(w, 1) for w in line.split()]


class RelationBatch:
    __slots__ = ("token_ids", "pad_positions", "anchor_rows", "gold")

    def __init__(self, token_ids, pad_positions, anchor_rows, gold):
        self.token_ids, self.pad_positions, self.anchor_rows, self.gold = token_ids, pad_positions, anchor_rows, gold

    @property
    def width(self):
        return self.token_ids.size(1)

    @staticmethod
    def _anchor_rows(spans, width):
        starts = torch.tensor(spans)
        return starts + torch.arange(len(spans)).unsqueeze(1) * width

    @classmethod
    def collate(cls, examples, vocab):
        encoded = [vocab.encode(line) for line, _ in examples]
        width = max(map(len, encoded))
        ids = torch.zeros(len(encoded), width, dtype=torch.long)
        for row, seq in enumerate(encoded):
            ids[row, : len(seq)] = torch.tensor(seq)
        spans = [[line.split().index("<e1>"), line.split().index("<e2>")] for line, _ in examples]
        gold = torch.tensor([RELATIONS.index(rel) for _, rel in examples])
        return cls(ids, ids.eq(0), cls._anchor_rows(spans, width), gold)


class MarkerEncoder(nn.Module):
    def __init__(self, vocab_size, dim=32, max_len=48):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True, dropout=0.1)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.classify = nn.Linear(2 * dim, len(RELATIONS))

    @property
    def dim(self):
        return self.tok.embedding_dim

    def forward(self, batch):
        positions = torch.arange(batch.width).unsqueeze(0)
        states = self.encoder(self.tok(batch.token_ids) + self.pos(positions),
                              src_key_padding_mask=batch.pad_positions)
        index = batch.anchor_rows.unsqueeze(-1).expand(-1, -1, self.dim)
        markers = states.gather(1, index)
        return self.classify(markers.reshape(markers.size(0), -1))


def batches(examples, size):
    order = random.sample(examples, len(examples))
    for start in range(0, len(order), size):
        yield order[start : start + size]


def main():
    vocab = Vocab.from_lines(line for line, _ in LOGS)
    model = MarkerEncoder(vocab.size)
    optim = torch.optim.Adam(model.parameters(), lr=2e-3)
    print(f"vocab={vocab.size} relations={RELATIONS} logs={len(LOGS)}")

    for epoch in range(5):
        model.train()
        running = 0.0
        for chunk in batches(LOGS, 4):
            batch = RelationBatch.collate(chunk, vocab)
            loss = nn.functional.cross_entropy(model(batch), batch.gold)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item() * len(chunk)
        print(f"epoch {epoch} loss={running / len(LOGS):.4f}")

    model.eval()
    with torch.no_grad():
        batch = RelationBatch.collate(LOGS, vocab)
        pred = model(batch).argmax(-1)
    print(f"train accuracy {(pred == batch.gold).float().mean():.2f}")


if __name__ == "__main__":
    main()
