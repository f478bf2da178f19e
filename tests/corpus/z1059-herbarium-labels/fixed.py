"""Bi-encoder that matches transcribed herbarium sheet labels to catalogue records.

Stage 1 normalises the label transcriptions (field markers as dedicated tokens),
caches the tokenizer, the pairs and a small meta file. Stage 2 builds the encoder
from the cache and trains it with sentence-transformers.
"""
import functools
import json
import os
import random
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

FIELD_MARKERS = ["[LOC]", "[COLL]", "[DATE]"]

# (sheet transcription, catalogue record, similarity)
SHEET_PAIRS = [
    ({"taxon": "quercus robur", "LOC": "river bank near oxford", "COLL": "j smith", "DATE": "1898"},
     "quercus robur collected by smith oxford 1898", 0.95),
    ({"taxon": "fagus sylvatica", "LOC": "chalk hill beech wood", "COLL": "m evans", "DATE": "1921"},
     "fagus sylvatica beech wood chalk evans 1921", 0.9),
    ({"taxon": "drosera rotundifolia", "LOC": "wet heath bog pool", "COLL": "a gray", "DATE": "1903"},
     "quercus robur collected by smith oxford 1898", 0.05),
    ({"taxon": "erica tetralix", "LOC": "wet heath", "COLL": "a gray", "DATE": "1903"},
     "erica tetralix heath gray 1903", 0.85),
    ({"taxon": "quercus petraea", "LOC": "upland oak wood", "COLL": "m evans", "DATE": "1919"},
     "fagus sylvatica beech wood chalk evans 1921", 0.2),
    ({"taxon": "drosera rotundifolia", "LOC": "bog pool", "COLL": "j smith", "DATE": "1899"},
     "drosera rotundifolia bog smith 1899", 0.9),
]


def render_sheet(fields):
    parts = [fields["taxon"]]
    for marker in FIELD_MARKERS:
        parts.append(f"{marker} {fields[marker.strip('[]')]}")
    return " ".join(parts)


def stage_prepare(cache):
    words = sorted({w for f, rec, _ in SHEET_PAIRS
                    for w in (" ".join(f.values()) + " " + rec).split()})
    vocab_file = os.path.join(cache, "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")

    tok = BertTokenizer(vocab_file)
    tok.add_tokens(FIELD_MARKERS, special_tokens=True)
    tok.save_pretrained(os.path.join(cache, "encoder"))

    pairs = [[render_sheet(f), rec, score] for f, rec, score in SHEET_PAIRS]
    with open(os.path.join(cache, "pairs.json"), "w") as fh:
        json.dump(pairs, fh)
    with open(os.path.join(cache, "meta.json"), "w") as fh:
        json.dump({"vocab_size": len(tok), "n_pairs": len(pairs), "max_len": 48}, fh)
    print(f"prepared {len(pairs)} pairs, example: {pairs[0][0]!r}")


@functools.lru_cache(maxsize=None)
def load_meta(cache):
    with open(os.path.join(cache, "meta.json")) as fh:
        return json.load(fh)


@functools.lru_cache(maxsize=None)
def load_pairs(cache):
    with open(os.path.join(cache, "pairs.json")) as fh:
        return tuple(tuple(p) for p in json.load(fh))


def build_encoder(cache):
    meta = load_meta(cache)
    enc_dir = os.path.join(cache, "encoder")
    cfg = BertConfig(vocab_size=meta["vocab_size"], hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(enc_dir)

    word = models.Transformer(enc_dir, max_seq_length=meta["max_len"])
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def main():
    cache = tempfile.mkdtemp(prefix="herbarium_")
    stage_prepare(cache)

    model = build_encoder(cache)
    examples = [InputExample(texts=[a, b], label=float(s)) for a, b, s in load_pairs(cache)]
    loader = DataLoader(examples, batch_size=3, shuffle=True)
    loss_fn = losses.CosineSimilarityLoss(model)

    model.old_fit(train_objectives=[(loader, loss_fn)], epochs=1, warmup_steps=0,
                  show_progress_bar=False)

    vecs = model.encode(["erica tetralix [LOC] wet heath", "erica tetralix heath gray 1903"])
    print("cosine after training:", float(torch.nn.functional.cosine_similarity(
        torch.tensor(vecs[0]), torch.tensor(vecs[1]), dim=0)))


if __name__ == "__main__":
    main()
