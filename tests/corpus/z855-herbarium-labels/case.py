# Train a small sentence encoder so that two transcriptions of the same herbarium sheet
# (one typed by a volunteer, one from the OCR pipeline) end up close together.
import logging
import os
import random
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="[%(asctime)s] %(message)s", datefmt="%H:%M:%S")
logger = logging.getLogger("herbarium")

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

FIELD_MARKERS = ["[TAXON]", "[SITE]", "[COLLECTOR]", "[DATE]"]

# (volunteer transcription, ocr transcription, similarity score from the curators)
SHEETS = [
    ({"taxon": "quercus robur", "site": "oak ridge", "collector": "hale", "date": "1921"},
     {"taxon": "quercus robur", "site": "oak ridqe", "collector": "hale", "date": "1921"}, 0.95),
    ({"taxon": "salix alba", "site": "river bank", "collector": "moreau", "date": "1898"},
     {"taxon": "salix alba", "site": "river", "collector": "moreau", "date": "1898"}, 0.85),
    ({"taxon": "betula pendula", "site": "north moor", "collector": "ives", "date": "1934"},
     {"taxon": "quercus robur", "site": "oak ridge", "collector": "hale", "date": "1921"}, 0.05),
    ({"taxon": "fagus sylvatica", "site": "chalk down", "collector": "price", "date": "1910"},
     {"taxon": "fagus sylvatica", "site": "chalk down", "collector": "prioe", "date": "1910"}, 0.9),
    ({"taxon": "salix alba", "site": "river bank", "collector": "moreau", "date": "1898"},
     {"taxon": "betula pendula", "site": "north moor", "collector": "ives", "date": "1934"}, 0.1),
    ({"taxon": "alnus glutinosa", "site": "wet meadow by the old mill", "collector": "okafor", "date": "1952"},
     {"taxon": "alnus glutinosa", "site": "wet meadow by old mill", "collector": "okafor", "date": "1952"}, 0.9),
]


def flatten(fields):
    return " ".join(f"{marker} {fields[marker.strip('[]').lower()]}" for marker in FIELD_MARKERS)


def build_base_model(folder):
    words = set()
    for a, b, _ in SHEETS:
        for fields in (a, b):
            for value in fields.values():
                words.update(value.split())
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def encode_one(record, tokenizer):
    volunteer, ocr, score = record
    texts = [flatten(volunteer), flatten(ocr)]
    n_tokens = max(len(tokenizer.tokenize(t)) for t in texts)
    return n_tokens, InputExample(texts=texts, label=float(score))


def main():
    base_dir = build_base_model(tempfile.mkdtemp(prefix="herbarium_"))
    word_model = models.Transformer(base_dir, max_seq_length=48)
    added = word_model.tokenizer.add_tokens(FIELD_MARKERS, special_tokens=True)
    logger.info("registered %d field markers", added)
    pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    encoder = SentenceTransformer(modules=[word_model, pooling], device="cpu")

    with ThreadPoolExecutor(max_workers=3) as pool:
        encoded = list(pool.map(partial(encode_one, tokenizer=word_model.tokenizer), SHEETS))

    encoded.sort(key=lambda pair: pair[0])
    buckets = [encoded[i:i + 2] for i in range(0, len(encoded), 2)]
    for b in buckets:
        logger.info("bucket lengths: %s", [n for n, _ in b])
    train_examples = [ex for b in buckets for _, ex in b]

    loader = DataLoader(train_examples, batch_size=2, shuffle=False)
    objective = losses.CosineSimilarityLoss(encoder)
    encoder.old_fit(train_objectives=[(loader, objective)], epochs=1, warmup_steps=0,
                    show_progress_bar=False)

    a, b = encoder.encode([flatten(SHEETS[0][0]), flatten(SHEETS[0][1])], convert_to_tensor=True,
                          show_progress_bar=False)
    logger.info("sheet 0 similarity after training: %.3f", torch.cosine_similarity(a, b, dim=0).item())


if __name__ == "__main__":
    main()
