"""Fine-tune a small sentence encoder to match duplicate herbarium label
transcriptions (same specimen typed up by different volunteers).
"""
import os
import random
import tempfile
from collections import defaultdict

import numpy as np
import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
np.random.seed(5)
torch.manual_seed(5)

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

TRAIN_PAIRS = [
    ("quercus robur collected near river bank 1921", "quercus robur river bank 1921", 0.9),
    ("quercus robur collected near river bank 1921", "salix alba wet meadow 1934", 0.1),
    ("salix alba wet meadow 1934", "salix alba collected wet meadow", 0.85),
    ("betula pendula heath edge sandy soil", "betula pendula sandy heath", 0.9),
    ("betula pendula heath edge sandy soil", "carex nigra bog margin", 0.05),
    ("carex nigra bog margin 1950", "carex nigra collected bog 1950", 0.8),
    ("salix alba wet meadow 1934", "quercus robur sandy soil", 0.1),
    ("carex nigra bog margin 1950", "betula pendula river bank", 0.1),
]

EVAL_PAIRS = [
    ("fagus sylvatica chalk slope 1928", "fagus sylvatica collected chalk slope"),
    ("quercus petraea upland wood", "quercus robur river bank 1921"),
]


def build_vocab(texts):
    vocab = defaultdict(lambda: len(vocab))
    for tok in SPECIALS:
        vocab[tok]
    for text in texts:
        for word in text.split():
            vocab[word]
    return vocab


def report_coverage(vocab, texts, known_size):
    words = [w for t in texts for w in t.split()]
    oov = sorted({w for w in words if vocab.get(w, known_size) >= known_size})
    print(f"eval coverage: {len(words) - sum(w in oov for w in words)}/{len(words)} tokens known, "
          f"unseen: {oov}")


def export_encoder(encoder, vocab, folder):
    encoder.save_pretrained(folder)
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        for word, _ in sorted(vocab.items(), key=lambda kv: kv[1]):
            fh.write(word + "\n")
    BertTokenizer(os.path.join(folder, "vocab.txt")).save_pretrained(folder)


def main():
    train_texts = [t for a, b, _ in TRAIN_PAIRS for t in (a, b)]
    vocab = build_vocab(train_texts)

    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    encoder = BertModel(config)
    print(f"vocab {config.vocab_size} entries, encoder params "
          f"{sum(p.numel() for p in encoder.parameters()):,}")

    eval_texts = [t for pair in EVAL_PAIRS for t in pair]
    report_coverage(vocab, eval_texts, config.vocab_size)

    model_dir = tempfile.mkdtemp(prefix="herb_")
    export_encoder(encoder, vocab, model_dir)

    word_emb = models.Transformer(model_dir, max_seq_length=32)
    pooling = models.Pooling(word_emb.get_word_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[word_emb, pooling], device="cpu")

    examples = [InputExample(texts=[a, b], label=float(s)) for a, b, s in TRAIN_PAIRS]
    loader = DataLoader(examples, shuffle=True, batch_size=4)
    loss = losses.CosineSimilarityLoss(model)
    model.old_fit(train_objectives=[(loader, loss)], epochs=2, warmup_steps=1,
                  show_progress_bar=False)

    for left, right in EVAL_PAIRS:
        emb = model.encode([left, right], convert_to_tensor=True)
        sim = torch.nn.functional.cosine_similarity(emb[0], emb[1], dim=0).item()
        print(f"{sim:.3f}  {left!r} <-> {right!r}")


if __name__ == "__main__":
    main()
