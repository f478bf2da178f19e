"""Suggest a plant family for herbarium sheets that haven't been determined yet.

Label transcriptions from volunteers go into sqlite; a bag-of-words model
trained on the determined sheets proposes a family for the rest, and the
suggestions are written back for a curator to confirm.
"""
import sqlite3

import torch
import torch.nn as nn

torch.manual_seed(5)

FAMILIES = ["Rosaceae", "Fabaceae", "Asteraceae", "Poaceae"]

# (transcription, family or None, legibility 1-3)
SHEETS = [
    ("hedgerow shrub five petals thorny stems hips red", "Rosaceae", 3),
    ("small tree white blossom pome fruit serrate leaves", "Rosaceae", 3),
    ("pea flowers pods seeds trifoliate leaves meadow", "Fabaceae", 3),
    ("climbing tendrils pods purple pea flowers", "Fabaceae", 2),
    ("composite flower head yellow rays disc florets roadside", "Asteraceae", 3),
    ("thistle spiny bracts purple flower head", "Asteraceae", 2),
    ("grass culms hollow spikelets ligule present", "Poaceae", 3),
    ("tufted grass panicle spikelets dune", "Poaceae", 3),
    ("thorny shrub white five petals hips", None, 3),
    ("yellow rays disc florets waste ground", None, 2),
    ("pods seeds pea flowers clover like", None, 3),
    ("label faded illegible ink smudged", None, 1),
    ("spikelets panicle hollow culms river bank", None, 2),
]


class BagClassifier(nn.Module):
    def __init__(self, n_words, n_families, dim=24):
        super().__init__()
        self.bag = nn.EmbeddingBag(n_words, dim, mode="mean")
        self.out = nn.Linear(dim, n_families)

    def forward(self, flat_ids, offsets):
        return self.out(self.bag(flat_ids, offsets))


def setup():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE families (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("CREATE TABLE sheets (barcode TEXT, label_text TEXT, family_id INTEGER, "
               "legibility INTEGER, suggested TEXT)")
    db.executemany("INSERT INTO families VALUES (?, ?)", list(enumerate(FAMILIES)))
    fam = {n: i for i, n in enumerate(FAMILIES)}
    db.executemany(
        "INSERT INTO sheets (barcode, label_text, family_id, legibility) VALUES (?, ?, ?, ?)",
        [(f"K{1000 + i:06d}", t, fam.get(f), leg) for i, (t, f, leg) in enumerate(SHEETS)],
    )
    return db


def pack(texts, lookup):
    flat, offsets = [], []
    for t in texts:
        offsets.append(len(flat))
        flat.extend(lookup.get(w, 0) for w in t.split())
    return torch.tensor(flat), torch.tensor(offsets)


def main():
    db = setup()
    determined = db.execute(
        "SELECT label_text, family_id FROM sheets WHERE family_id IS NOT NULL").fetchall()
    lookup = {"<unk>": 0}
    for text, _ in determined:
        for w in text.split():
            lookup.setdefault(w, len(lookup))
    n_fam = db.execute("SELECT COUNT(*) FROM families").fetchone()[0]
    print(f"{len(determined)} determined sheets, {len(lookup)} words, {n_fam} families")

    model = BagClassifier(len(lookup), n_fam)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    loss_fn = nn.CrossEntropyLoss()
    x, offs = pack([t for t, _ in determined], lookup)
    y = torch.tensor([f for _, f in determined])
    for epoch in range(30):
        opt.zero_grad()
        loss = loss_fn(model(x, offs), y)
        loss.backward()
        opt.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch:2d} loss {loss.item():.4f}")

    pending = db.execute(
        "SELECT barcode, label_text FROM sheets WHERE family_id IS NULL AND legibility >= 2 ORDER BY barcode"
    ).fetchall()
    n_todo = len(pending)
    print(f"{n_todo} sheets awaiting determination")

    model.eval()
    with torch.no_grad():
        px, poffs = pack([t for _, t in pending], lookup)
        probs = model(px, poffs).softmax(-1)

    names = [n for _, n in db.execute("SELECT id, name FROM families ORDER BY id")]
    updates = []
    for i in range(n_todo):
        conf, best = probs[i].max(-1)
        barcode = pending[i][0]
        updates.append((f"{names[best.item()]} ({conf.item():.2f})", barcode))
        print(f"  {barcode}: {updates[-1][0]}")
    db.executemany("UPDATE sheets SET suggested = ? WHERE barcode = ?", updates)
    db.commit()
    done = db.execute("SELECT COUNT(*) FROM sheets WHERE suggested IS NOT NULL").fetchone()[0]
    print(f"wrote {done} suggestions")


if __name__ == "__main__":
    main()
