"""Dense retrieval over port-state-control deficiency notes.

Fine-tunes a tiny bi-encoder on (inspector question, deficiency note) pairs and
then reports MRR / recall@3 on the held-out questions.
"""
import os
import random
import sqlite3
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

random.seed(7)
torch.manual_seed(7)

NOTES = [
    ("fire damper in engine room seized open", 0),
    ("lifeboat davit wire rope corroded near sheave", 0),
    ("oily water separator bypass pipe fitted", 0),
    ("emergency fire pump fails to deliver pressure", 1),
    ("garbage record book entries missing for port call", 0),
    ("magnetic compass deviation card out of date", 0),
    ("gangway safety net not rigged", 1),
    ("ballast water record book not signed by master", 0),
    ("liferaft hydrostatic release unit expired", 0),
    ("galley exhaust duct grease accumulated", 0),
    ("sewage treatment plant alarm inoperative", 0),
    ("navigation lights port sidelight lamp broken", 0),
    ("bilge alarm sensor in cargo hold disconnected", 0),
    ("crew rest hours records exceed limits", 0),
]

QUESTIONS = [
    ("which damper in the engine room is seized", 1, "train"),
    ("corroded wire rope on lifeboat davit", 2, "train"),
    ("separator bypass pipe found", 3, "train"),
    ("record book entries missing for garbage", 5, "train"),
    ("compass deviation card not updated", 6, "train"),
    ("ballast record book signature missing", 8, "train"),
    ("hydrostatic release unit on liferaft expired", 9, "test"),
    ("grease in the galley exhaust duct", 10, "test"),
    ("sewage plant alarm not working", 11, "test"),
    ("broken lamp in port sidelight", 12, "test"),
    ("cargo hold bilge sensor disconnected", 13, "test"),
    ("rest hours of crew exceeded", 14, "test"),
]


def build_db():
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, withdrawn INTEGER)")
    db.execute("CREATE TABLE questions (id INTEGER PRIMARY KEY, text TEXT, note_id INTEGER, split TEXT)")
    db.executemany("INSERT INTO notes (body, withdrawn) VALUES (?, ?)", NOTES)
    db.executemany("INSERT INTO questions (text, note_id, split) VALUES (?, ?, ?)", QUESTIONS)
    db.commit()
    return db


def make_encoder(db, workdir):
    words = set()
    for (text,) in db.execute("SELECT body FROM notes UNION ALL SELECT text FROM questions"):
        words.update(text.split())
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    (longest,) = db.execute(
        "SELECT MAX(LENGTH(body) - LENGTH(REPLACE(body, ' ', '')) + 1) FROM notes"
    ).fetchone()
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=max(64, longest + 8))
    BertModel(cfg).save_pretrained(workdir)
    BertTokenizer(os.path.join(workdir, "vocab.txt")).save_pretrained(workdir)
    word = models.Transformer(workdir, max_seq_length=32)
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def evaluate(encoder, db, k=3):
    # corpus = every note that is still in force
    corpus = db.execute("SELECT id, body FROM notes WHERE withdrawn = 0 ORDER BY id").fetchall()
    doc_emb = encoder.encode([body for _, body in corpus], convert_to_tensor=True,
                             normalize_embeddings=True)
    rows = db.execute(
        "SELECT q.text, q.note_id FROM questions q WHERE q.split = 'test' ORDER BY q.id"
    ).fetchall()
    q_emb = encoder.encode([t for t, _ in rows], convert_to_tensor=True, normalize_embeddings=True)
    gold = torch.tensor([note_id for _, note_id in rows])
    print(f"corpus={len(corpus)} notes, {len(rows)} test questions")

    scores = q_emb @ doc_emb.T
    gold_scores = scores[torch.arange(len(rows)), gold]
    ranks = (scores > gold_scores.unsqueeze(1)).sum(dim=1) + 1
    mrr = (1.0 / ranks.float()).mean().item()
    recall = (ranks <= k).float().mean().item()
    return mrr, recall


def main():
    db = build_db()
    workdir = tempfile.mkdtemp()
    encoder = make_encoder(db, workdir)

    train = [
        InputExample(texts=[q, body])
        for q, body in db.execute(
            "SELECT q.text, n.body FROM questions q JOIN notes n ON n.id = q.note_id "
            "WHERE q.split = 'train'"
        )
    ]
    loader = DataLoader(train, batch_size=4, shuffle=True)
    loss = losses.MultipleNegativesRankingLoss(encoder)
    encoder.old_fit(train_objectives=[(loader, loss)], epochs=2, warmup_steps=0,
                    show_progress_bar=False)
    print(f"trained on {len(train)} pairs")

    mrr, recall = evaluate(encoder, db)
    print(f"MRR={mrr:.3f} recall@3={recall:.3f}")


if __name__ == "__main__":
    main()
