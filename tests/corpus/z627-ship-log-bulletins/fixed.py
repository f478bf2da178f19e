"""Embed ship's deck-log weather entries so they can be matched against shipping-forecast phrases.

We fine-tune a tiny sentence encoder on (log entry, forecast phrase, similarity) pairs.
Beaufort force and visibility numbers are replaced by marker tokens before encoding.
"""
import os
import re
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

MARKER_TOKENS = ["[FORCE]", "[VIS]"]

PAIRS = [
    ("wind sw force 7 sea rough visibility 2 nm rain", "southwesterly gale rough rain poor", 0.9),
    ("wind n force 3 sea slight visibility 10 nm", "northerly moderate slight good", 0.85),
    ("fog bank ahead visibility 0 nm sounding horn", "fog very poor", 0.9),
    ("wind e force 5 swell moderate showers", "easterly fresh moderate showers", 0.8),
    ("calm glassy sea visibility 12 nm", "southwesterly gale rough rain poor", 0.05),
    ("wind nw force 9 heavy seas shipping water", "severe gale very rough", 0.9),
    ("wind s force 2 light airs haze visibility 4 nm", "fog very poor", 0.3),
    ("squall passed force 8 gusts veering w", "northerly moderate slight good", 0.1),
]


def mark_numbers(text):
    """'force 7' -> '[FORCE] 7', 'visibility 2 nm' -> '[VIS] 2 nm'."""
    text = re.sub(r"\bforce\b", "[FORCE]", text)
    return re.sub(r"\bvisibility\b", "[VIS]", text)


def save_tiny_encoder(corpus):
    words = sorted({w for t in corpus for w in t.split()} | set("0123456789"))
    out = tempfile.mkdtemp(prefix="logenc_")
    vocab_file = os.path.join(out, "vocab.txt")
    with open(vocab_file, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_file)
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    BertModel(cfg).save_pretrained(out)
    tok.save_pretrained(out)
    return out


class LogEncoderBuilder:
    def __init__(self, model_dir, max_len=48):
        self.model_dir = model_dir
        self.max_len = max_len

    def build(self):
        word = models.Transformer(self.model_dir, max_seq_length=self.max_len)
        n_new = word.tokenizer.add_tokens(MARKER_TOKENS, special_tokens=True)
        word.auto_model.resize_token_embeddings(len(word.tokenizer))
        print(f"added {n_new} marker tokens; tokenizer now has {len(word.tokenizer)} entries")
        pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
        return SentenceTransformer(modules=[word, pool], device="cpu")


def make_examples(pairs):
    return [InputExample(texts=[mark_numbers(a), mark_numbers(b)], label=float(s)) for a, b, s in pairs]


def main():
    corpus = [t for a, b, _ in PAIRS for t in (a, b)]
    model_dir = save_tiny_encoder(corpus)
    encoder = LogEncoderBuilder(model_dir).build()

    train_examples = make_examples(PAIRS)
    loader = DataLoader(train_examples, shuffle=True, batch_size=4)
    loss_fn = losses.CosineSimilarityLoss(encoder)

    print(f"training on {len(train_examples)} pairs")
    encoder.old_fit(
        train_objectives=[(loader, loss_fn)],
        epochs=2,
        warmup_steps=1,
        show_progress_bar=False,
    )

    probe = mark_numbers("wind sw force 8 visibility 1 nm")
    emb = encoder.encode([probe, "southwesterly gale rough rain poor"], convert_to_tensor=True)
    sim = torch.nn.functional.cosine_similarity(emb[0], emb[1], dim=0)
    print(f"probe similarity: {sim.item():.3f}")


if __name__ == "__main__":
    main()
