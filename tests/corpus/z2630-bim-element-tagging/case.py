import random
from collections import Counter, namedtuple

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset, DataLoader

SEED = 3
MIN_CLASS_COUNT = 15
BATCH_SIZE = 32
EPOCHS = 3

random.seed(SEED)
torch.manual_seed(SEED)

Element = namedtuple("Element", "guid tag ifc_class level length height")

TAG_RULES = {
    "IfcWall": (lambda: f"W-{random.choice(['EXT', 'INT'])}-{random.choice([100, 150, 200, 250])}-{random.choice(['CONC', 'CMU', 'STUD'])}", 0.30),
    "IfcSlab": (lambda: f"S-{random.choice([200, 250, 300])}-RC", 0.15),
    "IfcColumn": (lambda: f"C-{random.choice([300, 400, 500])}x{random.choice([300, 400, 500])}-{random.choice(['RC', 'STL'])}", 0.12),
    "IfcBeam": (lambda: f"B-{random.choice(['UB305', 'UB406', 'RC450'])}-{random.choice(['STL', 'RC'])}", 0.12),
    "IfcDoor": (lambda: f"D-{random.choice([815, 915, 1015])}-{random.choice(['TIMB', 'HM', 'GL'])}", 0.12),
    "IfcWindow": (lambda: f"WIN-{random.choice([900, 1200, 1800])}x{random.choice([1200, 1500])}-ALU", 0.12),
    "IfcStair": (lambda: f"ST-{random.choice(['RC', 'STL'])}-{random.choice([14, 16, 18])}R", 0.05),
    "IfcCurtainWall": (lambda: f"CW-{random.choice(['UNIT', 'STICK'])}-ALU", 0.01),
}


def export_elements(n):
    """Stand-in for an IFC export: one row per element with its type tag."""
    classes = list(TAG_RULES)
    weights = [TAG_RULES[c][1] for c in classes]
    rows = []
    for i in range(n):
        cls = random.choices(classes, weights=weights)[0]
        rows.append(Element(
            guid=f"3{i:021d}",
            tag=TAG_RULES[cls][0]() + f"-L{random.randint(0, 9):02d}",
            ifc_class=cls,
            level=random.randint(0, 9),
            length=round(random.uniform(0.5, 12.0), 2),
            height=round(random.uniform(0.2, 4.0), 2),
        ))
    return rows


class CharVocab:
    def __init__(self, tags):
        chars = sorted({ch for t in tags for ch in t})
        self.stoi = {ch: i + 2 for i, ch in enumerate(chars)}  # 0 pad, 1 unk

    def encode(self, tag):
        return [self.stoi.get(ch, 1) for ch in tag]

    def __len__(self):
        return len(self.stoi) + 2


class ElementDataset(Dataset):
    def __init__(self, elements, vocab, label_map):
        self.elements = elements
        self.vocab = vocab
        self.label_map = label_map

    def __len__(self):
        return len(self.elements)

    def __getitem__(self, i):
        e = self.elements[i]
        ids = torch.tensor(self.vocab.encode(e.tag), dtype=torch.long)
        num = torch.tensor([e.level / 10.0, e.length / 12.0, e.height / 4.0])
        return ids, num, self.label_map[e.ifc_class]


def collate_elements(batch):
    ids, num, labels = zip(*batch)
    lengths = torch.tensor([len(x) for x in ids])
    return {
        "tag_ids": pad_sequence(ids, batch_first=True, padding_value=0),
        "lengths": lengths,
        "numeric": torch.stack(num),
        "labels": torch.tensor(labels, dtype=torch.long),
    }


class TagClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, emb=24, hid=48):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, emb, padding_idx=0)
        self.gru = nn.GRU(emb, hid, batch_first=True, bidirectional=True)
        self.num_proj = nn.Linear(3, 16)
        self.out = nn.Linear(2 * hid + 16, n_classes)

    def forward(self, tag_ids, lengths, numeric):
        x = self.emb(tag_ids)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        h = torch.cat([h[0], h[1]], dim=-1)
        return self.out(torch.cat([h, torch.relu(self.num_proj(numeric))], dim=-1))


def main():
    elements = export_elements(600)
    label_map = {c: i for i, c in enumerate(sorted({e.ifc_class for e in elements}))}

    counts = Counter(e.ifc_class for e in elements)
    print("class counts:", dict(counts))
    train_elems = [e for e in elements if counts[e.ifc_class] >= MIN_CLASS_COUNT]
    n_classes = len({e.ifc_class for e in train_elems})

    vocab = CharVocab([e.tag for e in train_elems])
    ds = ElementDataset(train_elems, vocab, label_map)
    loader = DataLoader(ds, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate_elements)

    model = TagClassifier(len(vocab), n_classes)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(EPOCHS):
        model.train()
        running, n = 0.0, 0
        for batch in loader:
            logits = model(batch["tag_ids"], batch["lengths"], batch["numeric"])
            loss = criterion(logits, batch["labels"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(batch["labels"])
            n += len(batch["labels"])
        print(f"epoch {epoch}: train loss {running / n:.4f}")


if __name__ == "__main__":
    main()
