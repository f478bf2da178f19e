"""Fine-tune a tiny bi-encoder that matches herbarium sheet transcriptions
to catalogue entries, so volunteers' transcriptions can be linked to the
existing specimen records."""
import os
import random
import re
import sqlite3
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

PAIRS = [
    ("quercus robur collected on chalk grassland near the old quarry edge", "quercus robur pedunculate oak chalk grassland", 0.9),
    ("salix caprea catkins male plant on damp roadside verge", "salix caprea goat willow roadside", 0.85),
    ("ranunculus acris flowering in wet meadow grazed by cattle", "ranunculus acris meadow buttercup wet meadow", 0.9),
    ("quercus robur collected on chalk grassland near the old quarry edge", "salix caprea goat willow roadside", 0.1),
    ("sheet damaged by insects label partly illegible collector unknown possibly the rector of the parish "
     "specimen of orchis mascula found in ancient woodland on clay soil under hazel coppice with bluebells "
     "and wood anemone in deep shade near a stream flowing north toward the mill pond beside the lane "
     "annotated later in pencil det. confirmed orchis mascula early purple orchid by the county recorder",
     "orchis mascula early purple orchid ancient woodland", 0.8),
    ("ranunculus acris flowering in wet meadow grazed by cattle", "orchis mascula early purple orchid ancient woodland", 0.05),
    ("label in faded ink describes a small fern growing from mortar of a churchyard wall facing south "
     "asplenium ruta muraria wall rue several fronds pressed together with a note about the dry summer "
     "and the vicar who allowed collection from the wall of the north aisle near the yew tree",
     "asplenium ruta muraria wall rue churchyard wall", 0.85),
    ("salix caprea catkins male plant on damp roadside verge", "asplenium ruta muraria wall rue churchyard wall", 0.1),
]


def build_db(pairs):
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE sheets (id INTEGER PRIMARY KEY, transcription TEXT, catalogue TEXT, score REAL)")
    con.executemany("INSERT INTO sheets (transcription, catalogue, score) VALUES (?, ?, ?)", pairs)
    con.commit()
    return con


def word_count_expr(col):
    # number of spaces + 1 == number of words for our cleaned transcriptions
    return f"LENGTH({col}) - LENGTH(REPLACE({col}, ' ', '')) + 1"


def write_vocab(con, folder):
    words = set()
    for text_a, text_b in con.execute("SELECT transcription, catalogue FROM sheets"):
        words.update(re.findall(r"\w+|[^\w\s]", (text_a + " " + text_b).lower()))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path, len(vocab)


def save_tiny_encoder(con, folder):
    vocab_path, vocab_size = write_vocab(con, folder)
    tokenizer = BertTokenizer(vocab_path)
    config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=40)
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return config


def main():
    con = build_db(PAIRS)
    n_rows = con.execute("SELECT COUNT(*) FROM sheets").fetchone()[0]
    print(f"loaded {n_rows} transcription/catalogue pairs")

    model_dir = tempfile.mkdtemp(prefix="herbarium_enc_")
    config = save_tiny_encoder(con, model_dir)
    print(f"tiny encoder saved to {model_dir} (vocab={config.vocab_size})")

    longest = con.execute(
        f"SELECT MAX(MAX({word_count_expr('transcription')}), MAX({word_count_expr('catalogue')})) FROM sheets"
    ).fetchone()[0]
    seq_len = longest + 2  # room for [CLS] and [SEP]
    print(f"longest sheet has {longest} words -> max_seq_length={seq_len}")

    word_model = models.Transformer(model_dir, max_seq_length=seq_len)
    pooler = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    bi_encoder = SentenceTransformer(modules=[word_model, pooler], device="cpu")

    examples = [
        InputExample(texts=[a, b], label=float(s))
        for a, b, s in con.execute("SELECT transcription, catalogue, score FROM sheets ORDER BY id")
    ]
    loader = DataLoader(examples, shuffle=True, batch_size=4)
    objective = losses.CosineSimilarityLoss(bi_encoder)

    bi_encoder.old_fit(train_objectives=[(loader, objective)], epochs=1, warmup_steps=1,
                       show_progress_bar=False)

    query = "early purple orchid in woodland"
    sims = bi_encoder.encode([query] + [row[0] for row in con.execute("SELECT catalogue FROM sheets")],
                             convert_to_tensor=True)
    best = torch.nn.functional.cosine_similarity(sims[:1], sims[1:]).argmax().item()
    print("best catalogue match:", con.execute("SELECT catalogue FROM sheets LIMIT 1 OFFSET ?", (best,)).fetchone()[0])


if __name__ == "__main__":
    main()
