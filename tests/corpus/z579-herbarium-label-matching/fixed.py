"""
Fine-tune a tiny sentence encoder that matches handwritten herbarium sheet
labels (transcribed) to the taxonomic descriptions in our flora checklist.

The real encoder is trained on the cluster; this script is the smoke test
we run locally before pushing a new data export.
"""
import os
import random
import tempfile
import logging

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("herbarium")

SEED = 11
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

# encoder geometry shared with the cluster config (scaled down)
ENCODER = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
               intermediate_size=64, max_position_embeddings=96)
# checklist descriptions can be long, so let the encoder see most of them
CONTEXT_TOKENS = ENCODER["max_position_embeddings"]

LABELS = [
    "coll. J. Marsh 1931 sandy roadside verge near Dunwich flowers yellow",
    "damp alder carr, Wicken Fen, stems hollow, leaves pinnate, alt 5 m",
    "limestone pavement crevice, Ingleborough, fronds tufted, sori linear",
    "salt marsh upper zone, Blakeney Point, succulent, jointed stems red",
    "chalk grassland, Box Hill, dwarf rosette, flowers purple, spurred",
]
DESCRIPTIONS = [
    "Annual or biennial herb of disturbed sandy ground; petals four, bright yellow; siliquae slender.",
    "Perennial of wet woodland and fen carr; stems fistular; leaves once pinnate with toothed leaflets.",
    "Small calcicole fern of rock crevices; fronds densely tufted; sori elongate along veins.",
    "Annual halophyte of upper saltmarsh; stems articulated, succulent, turning red in autumn.",
    "Rosette-forming perennial of short calcareous turf; flowers purple with a distinct spur.",
]


def build_vocab(texts):
    words = set()
    for t in texts:
        for w in t.lower().replace(",", " , ").replace(";", " ; ").replace(".", " . ").split():
            words.add(w)
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    return specials + sorted(words)


def export_tiny_encoder(out_dir, vocab):
    vocab_path = os.path.join(out_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(vocab), **ENCODER)
    BertModel(cfg).save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    log.info("exported encoder to %s (vocab=%d)", out_dir, len(vocab))
    return out_dir


def make_pairs(labels, descriptions, repeat=3):
    """Positive pairs get 1.0, shuffled negatives get 0.0."""
    pairs = []
    for _ in range(repeat):
        for i, lab in enumerate(labels):
            # long-form description: repeated checklist notes pasted in from the flora
            long_desc = " ".join([descriptions[i]] * 8)
            pairs.append(InputExample(texts=[lab, long_desc], label=1.0))
            j = random.choice([k for k in range(len(descriptions)) if k != i])
            pairs.append(InputExample(texts=[lab, descriptions[j]], label=0.0))
    random.shuffle(pairs)
    return pairs


def main():
    workdir = tempfile.mkdtemp(prefix="herb_")
    vocab = build_vocab(LABELS + DESCRIPTIONS)
    enc_dir = export_tiny_encoder(workdir, vocab)

    word_model = models.Transformer(enc_dir, max_seq_length=CONTEXT_TOKENS)
    pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    encoder = SentenceTransformer(modules=[word_model, pooling], device="cpu")
    log.info("encoder max_seq_length=%s", encoder.max_seq_length)

    train_pairs = make_pairs(LABELS, DESCRIPTIONS)
    log.info("training pairs: %d", len(train_pairs))
    loader = DataLoader(train_pairs, shuffle=True, batch_size=4)
    objective = losses.CosineSimilarityLoss(encoder)

    encoder.old_fit(
        train_objectives=[(loader, objective)],
        epochs=1,
        warmup_steps=2,
        show_progress_bar=False,
    )

    probe = encoder.encode(LABELS[:2], convert_to_tensor=True)
    refs = encoder.encode(DESCRIPTIONS, convert_to_tensor=True)
    sims = torch.nn.functional.cosine_similarity(probe.unsqueeze(1), refs.unsqueeze(0), dim=-1)
    for row, lab in zip(sims, LABELS[:2]):
        best = int(row.argmax())
        print(f"{lab[:40]:<40} -> desc #{best} (cos={row[best]:.3f})")
    print("done")


if __name__ == "__main__":
    main()
