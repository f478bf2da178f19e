"""Train a small sentence encoder to match transcribed herbarium sheet labels
to entries in the digitised specimen catalogue.

The base encoder is a tiny BERT checkpoint we keep on disk; here we recreate
it in a temp folder so the script is self-contained.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

random.seed(3)
torch.manual_seed(3)

# handwritten labels can run long, but the base encoder only has 32 positions
MAX_SEQ_LEN = 32

PAIRS = [
    ("quercus robur leaf and acorn collected on chalk slope at the edge of an old beech wood on a "
     "north facing slope with scattered hawthorn and bramble in the under storey and dog violet "
     "in the ground layer soil thin over flint collector j smith det k brown june",
     "quercus robur oak specimen chalk woodland", 0.9),
    ("ranunculus acris flowering in damp meadow by river",
     "ranunculus acris buttercup meadow specimen", 0.85),
    ("quercus robur seedling", "ranunculus acris buttercup meadow specimen", 0.1),
    ("sphagnum moss from a raised bog hummock with heather and cotton grass and round leaved "
     "sundew near the old peat cuttings on the west side water table high after two days of "
     "rain sample pressed the same day and dried over paper collector a jones",
     "sphagnum bog moss peatland specimen", 0.95),
    ("calluna vulgaris heather on acid heath", "sphagnum bog moss peatland specimen", 0.3),
    ("calluna vulgaris heather on acid heath", "calluna vulgaris heather specimen heath", 0.9),
    ("ranunculus acris flowering in damp meadow by river", "quercus robur oak specimen chalk woodland", 0.05),
    ("sphagnum moss from raised bog", "calluna vulgaris heather specimen heath", 0.25),
]


def save_base_encoder(folder):
    words = sorted({w for a, b, _ in PAIRS for w in (a + " " + b).split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=32,
    )
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return cfg


def label_pairs(rows):
    for label_text, catalogue_text, score in rows:
        yield InputExample(texts=[label_text, catalogue_text], label=float(score))


def build_encoder(folder):
    word = models.Transformer(folder, max_seq_length=MAX_SEQ_LEN)
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def main():
    folder = tempfile.mkdtemp(prefix="herbarium_")
    cfg = save_base_encoder(folder)
    print(f"base encoder saved to {folder} (hidden={cfg.hidden_size})")

    encoder = build_encoder(folder)
    print("encoder max_seq_length:", encoder.max_seq_length)

    examples = list(label_pairs(PAIRS))
    random.shuffle(examples)
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    loss_fn = losses.CosineSimilarityLoss(encoder)

    encoder.old_fit(
        train_objectives=[(loader, loss_fn)],
        epochs=2,
        warmup_steps=1,
        show_progress_bar=False,
    )

    queries = ["oak leaf chalk slope", "bog moss hummock"]
    catalogue = ["quercus robur oak specimen chalk woodland", "sphagnum bog moss peatland specimen"]
    q = encoder.encode(queries, convert_to_tensor=True)
    c = encoder.encode(catalogue, convert_to_tensor=True)
    sims = torch.nn.functional.cosine_similarity(q.unsqueeze(1), c.unsqueeze(0), dim=-1)
    for i, query in enumerate(queries):
        best = int(sims[i].argmax())
        print(f"{query!r} -> {catalogue[best]!r} ({sims[i, best]:.3f})")


if __name__ == "__main__":
    main()
