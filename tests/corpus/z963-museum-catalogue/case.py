"""Train a small bi-encoder that matches visitor queries to museum catalogue records.

The encoder is a tiny randomly initialised BERT saved to a temp folder and then
wrapped as Transformer + mean Pooling, trained with cosine-similarity pairs.
"""
import os
import random
import tempfile
from functools import reduce, partial
from operator import itemgetter

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

random.seed(5)
np.random.seed(5)
torch.manual_seed(5)

POSITIONS = 32
# tokens of context per text fed to the encoder
CATALOGUE_CONTEXT = 128

RECORDS = (
    "bronze ritual vessel with lid cast decoration of stylised animal masks on the body green patina "
    "with areas of red cuprite acquired from a private collection in nineteen fifty two "
    "condition stable minor losses to one handle",
    "woven silk panel depicting cranes among pine trees in gold and blue thread mounted on a lacquered "
    "wooden frame donated by the family of the original owner light fading along the lower edge",
    "carved whalebone walking stick with a handle shaped like a clenched fist inscribed with initials "
    "and a date made aboard a whaling ship and brought ashore by a crew member",
    "glass plate negative showing the harbour front before the great fire with sailing barges "
    "moored at the quay and a crowd gathered near the customs house",
)

# (query, record index, similarity)
PAIRS = (
    ("bronze vessel with animal masks", 0, 0.9),
    ("silk panel with cranes", 1, 0.9),
    ("whalebone walking stick", 2, 0.9),
    ("harbour photograph before the fire", 3, 0.9),
    ("bronze vessel with animal masks", 2, 0.1),
    ("silk panel with cranes", 3, 0.1),
    ("whalebone walking stick", 0, 0.1),
    ("harbour photograph before the fire", 1, 0.1),
)


def compose(*fns):
    return lambda x: reduce(lambda acc, f: f(acc), reversed(fns), x)


def vocabulary(texts):
    words = reduce(lambda acc, t: acc | set(t.split()), texts, set())
    return ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]") + tuple(sorted(words))


def save_tiny_encoder(vocab):
    folder = tempfile.mkdtemp(prefix="catalogue_encoder_")
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    BertTokenizer(os.path.join(folder, "vocab.txt")).save_pretrained(folder)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=POSITIONS)
    BertModel(cfg).save_pretrained(folder)
    return folder


def to_example(pair):
    query, idx, score = pair
    return InputExample(texts=[query, RECORDS[idx]], label=float(score))


all_text = RECORDS + tuple(map(itemgetter(0), PAIRS))
encoder_dir = save_tiny_encoder(vocabulary(all_text))
print("tiny encoder saved to", encoder_dir)

word_model = models.Transformer(encoder_dir, max_seq_length=CATALOGUE_CONTEXT)
pooling = models.Pooling(word_model.get_embedding_dimension())
bi_encoder = SentenceTransformer(modules=[word_model, pooling], device="cpu")

record_lengths = tuple(map(compose(len, str.split), RECORDS))
print(f"{len(RECORDS)} records, word counts {record_lengths}, {len(PAIRS)} training pairs")

examples = tuple(map(to_example, PAIRS))
loader = DataLoader(list(examples), shuffle=True, batch_size=4)
objective = losses.CosineSimilarityLoss(bi_encoder)

bi_encoder.old_fit(
    train_objectives=[(loader, objective)],
    epochs=1,
    warmup_steps=1,
    show_progress_bar=False,
)

encode = partial(bi_encoder.encode, convert_to_tensor=True, show_progress_bar=False)
record_vecs = encode(list(RECORDS))
query_vec = encode(["stick carved from whalebone"])
scores = torch.nn.functional.cosine_similarity(query_vec, record_vecs)
best = int(scores.argmax())
print(f"best match (score {scores[best]:.3f}): {RECORDS[best][:60]}...")
