"""Bi-encoder for matching shipper goods descriptions to customs tariff headings.

Builds a small BERT backbone on disk, wraps it as a sentence-transformers model
and runs a short CosineSimilarityLoss fine-tune on hand-labelled pairs.
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

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
BASE_WORDS = (
    "of and or for with the other parts not made steel iron cotton wool "
    "frozen fresh dried machines apparatus articles containing whether"
).split()

PAIRS = [
    ("frozen shrimp peeled in cartons", "crustaceans frozen whether or not peeled", 0.95),
    ("cotton t shirts knitted mens", "t shirts singlets knitted of cotton", 0.9),
    ("stainless steel kitchen sinks", "sinks and wash basins of stainless steel", 0.92),
    ("dried apricots in bulk bags", "apricots dried fruit", 0.88),
    ("frozen shrimp peeled in cartons", "sinks and wash basins of stainless steel", 0.05),
    ("wool blankets woven", "t shirts singlets knitted of cotton", 0.2),
    ("espresso machines for cafes", "machines for preparing hot drinks", 0.9),
    ("dried apricots in bulk bags", "machines for preparing hot drinks", 0.02),
]


def domain_terms(pairs):
    seen = set()
    for a, b, _ in pairs:
        seen.update(a.split())
        seen.update(b.split())
    return sorted(seen - set(BASE_WORDS))


def export_backbone(out_dir):
    """Write config, random weights and a wordpiece vocab so models.Transformer can load it."""
    vocab = SPECIALS + BASE_WORDS + domain_terms(PAIRS)
    vocab_path = os.path.join(out_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")

    config = BertConfig(
        vocab_size=len(SPECIALS) + len(BASE_WORDS),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    BertModel(config).save_pretrained(out_dir)
    BertTokenizer(vocab_path).save_pretrained(out_dir)
    print(f"exported backbone to {out_dir} ({len(vocab)} vocab entries)")


def build_encoder(backbone_dir):
    word_model = models.Transformer(backbone_dir, max_seq_length=32)
    pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_model, pooling], device="cpu")


def main():
    backbone_dir = tempfile.mkdtemp(prefix="tariff_bert_")
    export_backbone(backbone_dir)
    encoder = build_encoder(backbone_dir)

    examples = [InputExample(texts=[a, b], label=float(score)) for a, b, score in PAIRS]
    random.shuffle(examples)
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    objective = losses.CosineSimilarityLoss(encoder)

    encoder.old_fit(
        train_objectives=[(loader, objective)],
        epochs=1,
        warmup_steps=1,
        show_progress_bar=False,
    )

    q = encoder.encode(["peeled frozen shrimp"], convert_to_tensor=True)
    headings = sorted({b for _, b, _ in PAIRS})
    h = encoder.encode(headings, convert_to_tensor=True)
    sims = torch.nn.functional.cosine_similarity(q, h)
    best = int(sims.argmax())
    print(f"best heading: {headings[best]!r} ({sims[best]:.3f})")


if __name__ == "__main__":
    main()
