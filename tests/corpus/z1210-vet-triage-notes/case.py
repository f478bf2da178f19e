"""Urgency scoring for small-animal clinic intake.

Each intake has up to three sections (owner complaint, exam findings, lab
notes). We feed them to BERT as one sequence with a segment id per section.
"""
import os
import sqlite3
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(3)

INTAKES = {
    "c01": ("urgent", {"complaint": "dog vomiting since morning", "exam": "abdomen tense painful",
                       "labs": "lactate raised"}),
    "c02": ("routine", {"complaint": "cat itchy ears", "exam": "dark wax both ears",
                        "labs": "mites on swab"}),
    "c03": ("emergency", {"complaint": "dog collapsed on walk", "exam": "pale gums weak pulse",
                          "labs": "packed cell volume low"}),
    "c04": ("routine", {"complaint": "rabbit overgrown nails", "exam": "nails long otherwise well"}),
    "c05": ("urgent", {"complaint": "cat straining in litter tray", "exam": "bladder firm",
                       "labs": "crystals in urine"}),
    "c06": ("emergency", {"complaint": "dog ate rat bait", "exam": "bleeding gums",
                          "labs": "clotting time prolonged"}),
}


def make_db():
    conn = sqlite3.connect(":memory:")
    conn.executescript("""
        CREATE TABLE sections (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE);
        CREATE TABLE urgency (id INTEGER PRIMARY KEY, name TEXT);
        CREATE TABLE intakes (case_id TEXT PRIMARY KEY, urgency TEXT);
        CREATE TABLE parts (case_id TEXT, section TEXT, body TEXT);
    """)
    conn.executemany("INSERT INTO sections (name) VALUES (?)", [("complaint",), ("exam",), ("labs",)])
    conn.executemany("INSERT INTO urgency VALUES (?, ?)", [(0, "routine"), (1, "urgent"), (2, "emergency")])
    conn.executemany("INSERT INTO intakes VALUES (?, ?)", [(k, v[0]) for k, v in INTAKES.items()])
    conn.executemany(
        "INSERT INTO parts VALUES (?, ?, ?)",
        [(k, sec, body) for k, (_, secs) in INTAKES.items() for sec, body in secs.items()],
    )
    return conn


def make_tokenizer(conn):
    vocab = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
    for (body,) in conn.execute("SELECT body FROM parts"):
        vocab.update(body.split())
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        f.write("\n".join(specials + sorted(vocab - set(specials))))
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


class IntakeEncoder:
    def __init__(self, conn, tokenizer):
        self.conn = conn
        self.tok = tokenizer
        self.segment_of = {name: sid for sid, name in conn.execute("SELECT id, name FROM sections ORDER BY id")}

    def encode_case(self, case_id):
        rows = self.conn.execute(
            """SELECT p.section, p.body FROM parts p JOIN sections s ON s.name = p.section
               WHERE p.case_id = ? ORDER BY s.id""", (case_id,)).fetchall()
        ids, segs = [self.tok.cls_token_id], [self.segment_of[rows[0][0]]]
        for section, body in rows:
            piece = self.tok.convert_tokens_to_ids(self.tok.tokenize(body)) + [self.tok.sep_token_id]
            ids += piece
            segs += [self.segment_of[section]] * len(piece)
        return ids, segs

    def batch(self, case_ids):
        encoded = [self.encode_case(c) for c in case_ids]
        width = max(len(ids) for ids, _ in encoded)
        out = {k: torch.zeros(len(encoded), width, dtype=torch.long)
               for k in ("input_ids", "token_type_ids", "attention_mask")}
        for row, (ids, segs) in enumerate(encoded):
            out["input_ids"][row, :len(ids)] = torch.tensor(ids)
            out["token_type_ids"][row, :len(segs)] = torch.tensor(segs)
            out["attention_mask"][row, :len(ids)] = 1
        return out


def main():
    conn = make_db()
    tokenizer = make_tokenizer(conn)
    n_sections = conn.execute("SELECT COUNT(*) FROM sections").fetchone()[0]
    n_levels = conn.execute("SELECT COUNT(*) FROM urgency").fetchone()[0]
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     type_vocab_size=n_sections, num_labels=n_levels)
    model = BertForSequenceClassification(cfg)
    print(f"sections={n_sections} urgency levels={n_levels} vocab={tokenizer.vocab_size}")

    rows = conn.execute(
        "SELECT i.case_id, u.id FROM intakes i JOIN urgency u ON u.name = i.urgency ORDER BY i.case_id"
    ).fetchall()
    case_ids = [r[0] for r in rows]
    target = torch.tensor([r[1] for r in rows])

    encoder = IntakeEncoder(conn, tokenizer)
    batch = encoder.batch(case_ids)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model.train()
    for step in range(5):
        result = model(**batch, labels=target)
        result.loss.backward()
        opt.step()
        opt.zero_grad()
        print(f"step {step} loss={result.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        guess = model(**batch).logits.argmax(-1)
    names = [n for _, n in conn.execute("SELECT id, name FROM urgency ORDER BY id")]
    for cid, g in zip(case_ids, guess.tolist()):
        print(cid, names[g])


if __name__ == "__main__":
    main()
