# Authorship attribution for anonymous 1790s pamphlet sentences.
# Gold authors come from three archivists' attributions (majority vote per sentence).
import random
import sqlite3

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

AUTHORS = ["Paine", "Burke", "Wollstonecraft", "Priestley"]
SENTENCES = [
    # (text, split, votes of the three archivists as author ids)
    ("the rights of man are not a gift of princes", "train", (1, 1, 1)),
    ("government is at best a necessary evil", "train", (1, 1, 4)),
    ("a nation is a partnership of the dead and the living", "train", (2, 2, 2)),
    ("prejudice renders virtue a habit", "train", (2, 2, 1)),
    ("the mind has no sex in reason", "train", (3, 3, 3)),
    ("virtue can only flourish among equals", "train", (3, 3, 2)),
    ("the air we breathe teaches chemistry to the curious", "train", (4, 4, 4)),
    ("free inquiry is the only guard of truth", "train", (4, 1, 4)),
    ("every age must act for itself", "train", (1, 1, 1)),
    ("the age of chivalry is gone", "train", (2, 2, 2)),
    ("women are told from infancy that gentleness is their duty", "train", (3, 3, 3)),
    ("dissenters ask only for toleration of conscience", "train", (4, 4, 2)),
    ("monarchy is a mode of government without reason", "train", (1, 4, 1)),
    ("custom is the great guide of a settled people", "train", (2, 2, 2)),
    ("the crown is a gift of the people", "dev", (1, 1, 1)),
    ("reverence for old institutions keeps a nation", "dev", (2, 2, 1)),
    ("education must teach a woman to think", "dev", (3, 3, 3)),
    ("phlogiston and toleration both want inquiry", "dev", (4, 4, 4)),
]


def load_corpus():
    db = sqlite3.connect(":memory:")
    db.executescript("""
        CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT);
        CREATE TABLE sentences (id INTEGER PRIMARY KEY, text TEXT, split TEXT);
        CREATE TABLE attributions (sentence_id INTEGER, archivist INTEGER, author_id INTEGER);
    """)
    db.executemany("INSERT INTO authors (name) VALUES (?)", [(a,) for a in AUTHORS])
    for sid, (text, split, votes) in enumerate(SENTENCES, start=1):
        db.execute("INSERT INTO sentences (id, text, split) VALUES (?, ?, ?)", (sid, text, split))
        db.executemany("INSERT INTO attributions VALUES (?, ?, ?)",
                       [(sid, k, a) for k, a in enumerate(votes)])
    db.commit()
    return db


def consensus_authors(db, split):
    """Majority author per sentence, as a list of author ids in sentence order."""
    rows = db.execute("""
        SELECT sentence_id, author_id, MAX(votes)
        FROM (SELECT a.sentence_id, a.author_id, COUNT(*) AS votes
              FROM attributions a JOIN sentences s ON s.id = a.sentence_id
              WHERE s.split = ?
              GROUP BY a.sentence_id, a.author_id)
        GROUP BY sentence_id
        ORDER BY sentence_id
    """, (split,)).fetchall()
    return [author_id for _, author_id, _ in rows]


class Vocab:
    def __init__(self, db):
        words = sorted({w for (t,) in db.execute("SELECT text FROM sentences") for w in t.split()})
        self.itos = ["[PAD]", "[CLS]", "[UNK]"] + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        (self.max_words,) = db.execute(
            "SELECT MAX(LENGTH(text) - LENGTH(REPLACE(text, ' ', '')) + 1) FROM sentences"
        ).fetchone()

    def encode(self, texts):
        width = self.max_words + 1
        ids = torch.zeros(len(texts), width, dtype=torch.long)
        for row, text in enumerate(texts):
            toks = [1] + [self.stoi.get(w, 2) for w in text.split()]
            ids[row, : len(toks)] = torch.tensor(toks)
        return ids, ids.eq(0)


class TinyEncoder(nn.Module):
    def __init__(self, vocab_size, n_classes, dim=32, max_len=64):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=2, dim_feedforward=64, batch_first=True)
        self.body = nn.TransformerEncoder(layer, num_layers=1, enable_nested_tensor=False)
        self.head = nn.Linear(dim, n_classes)

    def forward(self, ids, pad):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.body(self.tok(ids) + self.pos(positions), src_key_padding_mask=pad)
        return self.head(h[:, 0])


def main():
    db = load_corpus()
    author_rows = db.execute("SELECT id, name FROM authors ORDER BY id").fetchall()
    class_of = {aid: i for i, (aid, _) in enumerate(author_rows)}
    vocab = Vocab(db)

    def split_tensors(split):
        texts = [t for (t,) in db.execute(
            "SELECT text FROM sentences WHERE split = ? ORDER BY id", (split,))]
        ids, pad = vocab.encode(texts)
        gold = torch.tensor([class_of[a] for a in consensus_authors(db, split)])
        return ids, pad, gold

    tr_ids, tr_pad, tr_gold = split_tensors("train")
    dv_ids, dv_pad, dv_gold = split_tensors("dev")
    print(f"{len(author_rows)} authors, vocab {len(vocab.itos)}, train {tr_ids.shape}")

    model = TinyEncoder(len(vocab.itos), len(author_rows))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for epoch in range(15):
        model.train()
        opt.zero_grad()
        loss = F.cross_entropy(model(tr_ids, tr_pad), tr_gold)
        loss.backward()
        opt.step()
        if epoch % 5 == 0:
            print(f"epoch {epoch:2d} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        guess = model(dv_ids, dv_pad).argmax(-1)
    for (text,), g, p in zip(db.execute("SELECT text FROM sentences WHERE split='dev' ORDER BY id"),
                             dv_gold.tolist(), guess.tolist()):
        print(f"  {author_rows[g][1]:>14} -> {author_rows[p][1]:<14} | {text}")
    print(f"dev accuracy {(guess == dv_gold).float().mean().item():.2f}")


if __name__ == "__main__":
    main()
