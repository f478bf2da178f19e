"""Train a small bi-encoder so field-geology notes match the right mineral catalogue entry.

Mineral names get split into junk word pieces by the base vocab, so we register them as whole
tokens before training.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

MINERAL_TERMS = ["chalcopyrite", "sphalerite", "galena", "malachite", "cassiterite", "wolframite"]

PAIRS = [
    ("brassy yellow metallic crystals with greenish black streak", "chalcopyrite copper iron sulfide", 0.9),
    ("resinous brown mineral with perfect cleavage in vein", "sphalerite zinc sulfide", 0.9),
    ("heavy grey cubes with bright metallic luster", "galena lead sulfide", 0.9),
    ("bright green banded botryoidal crust", "malachite copper carbonate", 0.9),
    ("dark heavy grains in stream gravel", "cassiterite tin oxide", 0.8),
    ("black bladed crystals with quartz", "wolframite tungsten oxide", 0.8),
    ("heavy grey cubes with bright metallic luster", "malachite copper carbonate", 0.1),
    ("bright green banded botryoidal crust", "galena lead sulfide", 0.1),
    ("dark heavy grains in stream gravel", "sphalerite zinc sulfide", 0.2),
    ("brassy yellow metallic crystals with greenish black streak", "wolframite tungsten oxide", 0.1),
]


def base_vocab():
    words = set()
    for a, b, _ in PAIRS:
        words.update(a.split())
        words.update(w for w in b.split() if w not in MINERAL_TERMS)
    chars = sorted({c for t in MINERAL_TERMS for c in t})
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words) + chars + ["##" + c for c in chars]


def save_base_checkpoint():
    ckpt = tempfile.mkdtemp(prefix="geo_bert_")
    vocab_path = os.path.join(ckpt, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(base_vocab()) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(ckpt)
    tok.save_pretrained(ckpt)
    return ckpt


def build_encoder(ckpt, extra_terms):
    word_emb = models.Transformer(ckpt, max_seq_length=32)
    n_added = word_emb.tokenizer.add_tokens(extra_terms)
    word_emb.auto_model.resize_token_embeddings(len(word_emb.tokenizer))
    print(f"registered {n_added} mineral tokens, tokenizer size now {len(word_emb.tokenizer)}")
    pooling = models.Pooling(word_emb.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_emb, pooling], device="cpu")


def main():
    ckpt = save_base_checkpoint()
    encoder = build_encoder(ckpt, MINERAL_TERMS)

    examples = [InputExample(texts=[note, entry], label=float(score)) for note, entry, score in PAIRS]
    random.shuffle(examples)
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    loss = losses.CosineSimilarityLoss(encoder)

    encoder.old_fit(
        train_objectives=[(loader, loss)],
        epochs=2,
        warmup_steps=1,
        show_progress_bar=False,
    )

    notes = ["heavy grey cubes found in the vein"]
    catalogue = [entry for _, entry, _ in PAIRS[:6]]
    q = encoder.encode(notes, convert_to_tensor=True)
    c = encoder.encode(catalogue, convert_to_tensor=True)
    sims = torch.nn.functional.cosine_similarity(q, c)
    best = int(sims.argmax())
    print(f"best catalogue match: {catalogue[best]} ({sims[best]:.3f})")


if __name__ == "__main__":
    main()
