"""Train a sentence embedder that matches OCR'd herbarium sheet labels to
catalogue records, so duplicate specimens across institutions can be linked.

Labels are rendered with field markers ([COLL], [LOC], [DATE]) so the encoder
can tell a collector's name from a place name.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

FIELD_MARKERS = ["[COLL]", "[LOC]", "[DATE]"]

SPECIMENS = [
    {"taxon": "quercus robur", "coll": "hooker", "loc": "kew surrey", "date": "1851"},
    {"taxon": "betula pendula", "coll": "balfour", "loc": "braemar", "date": "1872"},
    {"taxon": "erica cinerea", "coll": "druce", "loc": "oxford heath", "date": "1904"},
    {"taxon": "salix herbacea", "coll": "balfour", "loc": "ben lawers", "date": "1880"},
    {"taxon": "drosera anglica", "coll": "druce", "loc": "rannoch moor", "date": "1911"},
    {"taxon": "primula scotica", "coll": "hooker", "loc": "orkney", "date": "1849"},
]


def seed_all(seed=5):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def render(spec, with_markers=True):
    if not with_markers:
        return f"{spec['taxon']} {spec['coll']} {spec['loc']} {spec['date']}"
    return f"{spec['taxon']} [COLL] {spec['coll']} [LOC] {spec['loc']} [DATE] {spec['date']}"


def bootstrap_encoder(workdir):
    """Write a tiny random BERT + tokenizer to disk so sentence-transformers can load it."""
    words = sorted({w for s in SPECIMENS for v in s.values() for w in v.split()})
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(vocab_path)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(workdir)
    tokenizer.save_pretrained(workdir)
    return workdir


def add_field_markers(word_embedding):
    tok = word_embedding.tokenizer
    added = tok.add_tokens(FIELD_MARKERS, special_tokens=True)
    word_embedding.auto_model.resize_token_embeddings(len(tok))
    print(f"added {added} field markers, tokenizer now has {len(tok)} entries")


def make_pairs():
    """Positive pairs: catalogue record vs. the OCR'd sheet (no markers, lower-cased);
    negatives: records of different specimens from the same collector."""
    examples = []
    for spec in SPECIMENS:
        examples.append(InputExample(texts=[render(spec), render(spec, with_markers=False)], label=1.0))
        for other in SPECIMENS:
            if other is not spec and other["coll"] == spec["coll"]:
                examples.append(InputExample(texts=[render(spec), render(other)], label=0.1))
    return examples


def main():
    seed_all()
    model_dir = bootstrap_encoder(tempfile.mkdtemp(prefix="herbarium_"))

    word_embedding = models.Transformer(model_dir, max_seq_length=48)
    add_field_markers(word_embedding)
    pooling = models.Pooling(word_embedding.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[word_embedding, pooling], device="cpu")

    pairs = make_pairs()
    loader = DataLoader(pairs, shuffle=True, batch_size=4)
    loss = losses.CosineSimilarityLoss(model)
    model.old_fit(train_objectives=[(loader, loss)], epochs=1, steps_per_epoch=3,
                  warmup_steps=0, show_progress_bar=False)

    query = model.encode([render(SPECIMENS[0]), render(SPECIMENS[0], with_markers=False)])
    print("self-similarity", float(np.dot(query[0], query[1]) /
                                   (np.linalg.norm(query[0]) * np.linalg.norm(query[1]))))


if __name__ == "__main__":
    main()
