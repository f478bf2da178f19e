"""Auto-parts catalogue deduplication: embed listing titles so that the same part
sold by different vendors lands close together.

Vendor feeds tag titles with fitment markers (<oem>, <aftermarket>, <reman>), which
we register as whole tokens so WordPiece does not shred them.
"""
import os
import random
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

# ---- catalog_utils -------------------------------------------------------
PARTS = ["brake pad", "oil filter", "spark plug", "alternator", "water pump",
         "radiator", "headlight", "wiper blade", "fuel pump", "starter motor"]
MAKES = ["toyota", "ford", "honda", "bmw", "kia", "volvo"]
FITMENT_MARKERS = ["<oem>", "<aftermarket>", "<reman>"]
FILLER = ["front", "rear", "left", "right", "set", "kit", "new", "genuine", "premium", "for"]


def listing_title(part, make, rng):
    words = [rng.choice(FITMENT_MARKERS)] + part.split() + ["for", make]
    words += rng.sample(FILLER, 2)
    rng.shuffle(words)
    return " ".join(words)


def build_pairs(n, rng):
    pairs = []
    for _ in range(n):
        part, make = rng.choice(PARTS), rng.choice(MAKES)
        a = listing_title(part, make, rng)
        if rng.random() < 0.5:
            pairs.append(InputExample(texts=[a, listing_title(part, make, rng)], label=1.0))
        else:
            other = rng.choice([p for p in PARTS if p != part])
            pairs.append(InputExample(texts=[a, listing_title(other, make, rng)], label=0.0))
    return pairs


def save_tiny_encoder(folder):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += sorted({w for p in PARTS for w in p.split()} | set(MAKES) | set(FILLER))
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab))
    tokenizer = BertTokenizer(vocab_path)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64)
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
# -------------------------------------------------------------------------

rng = random.Random(2024)
torch.manual_seed(2024)

encoder_dir = save_tiny_encoder(tempfile.mkdtemp())
word_embedding_model = models.Transformer(encoder_dir, max_seq_length=32)
n_added = word_embedding_model.tokenizer.add_tokens(FITMENT_MARKERS, special_tokens=True)
word_embedding_model.auto_model.resize_token_embeddings(len(word_embedding_model.tokenizer))
print(f"registered {n_added} fitment markers; tokenizer size {len(word_embedding_model.tokenizer)}")

pooling = models.Pooling(word_embedding_model.get_word_embedding_dimension(), pooling_mode="mean")
embedder = SentenceTransformer(modules=[word_embedding_model, pooling], device="cpu")

train_pairs = build_pairs(32, rng)
train_loader = DataLoader(train_pairs, shuffle=True, batch_size=16)
train_loss = losses.CosineSimilarityLoss(embedder)

embedder.old_fit(
    train_objectives=[(train_loader, train_loss)],
    epochs=1,
    warmup_steps=4,
    show_progress_bar=False,
)

probe = embedder.encode(["<oem> brake pad for ford front", "<aftermarket> rear brake pad ford kit"],
                        convert_to_tensor=True)
print("similarity of two brake-pad listings:",
      round(torch.cosine_similarity(probe[0], probe[1], dim=0).item(), 3))
