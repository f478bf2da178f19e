"""Bi-encoder for a hardware store: match shopper queries to catalog product descriptions.

Tiny in-house BERT (random init, saved locally) + mean pooling + a projection layer so the
embeddings fit the 128-d vector index the search team already runs.
"""
import os
import random
import tempfile
from types import SimpleNamespace

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

settings = SimpleNamespace(
    encoder_dim=32,
    proj_in=768,
    index_dim=128,
    max_seq_length=24,
    batch_size=8,
    epochs=1,
    seed=3,
)

CATALOG = {
    "deck screws": "exterior coated deck screws 3 inch box of 100",
    "drywall anchors": "plastic drywall anchors with screws kit 50 pack",
    "pipe wrench": "heavy duty cast iron pipe wrench 14 inch",
    "paint roller": "microfiber paint roller cover 9 inch for smooth walls",
    "caulk gun": "dripless caulk gun for 10 oz cartridges",
    "garden hose": "kink resistant garden hose 50 foot green",
    "led bulb": "soft white led bulb 60 watt equivalent 4 pack",
    "circuit breaker": "single pole circuit breaker 20 amp plug in",
    "ladder": "aluminum step ladder 6 foot 225 lb rating",
    "sandpaper": "assorted grit sandpaper sheets for wood and metal",
}
QUERY_TEMPLATES = ["need {}", "{} for weekend project", "best {}", "cheap {}", "{} in stock"]


def build_local_encoder(folder, texts):
    words = sorted({w for t in texts for w in t.lower().split()})
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(vocab_path)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=settings.encoder_dim, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
    )
    BertModel(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def make_pairs(rng, n):
    pairs = []
    for _ in range(n):
        product = rng.choice(list(CATALOG))
        query = rng.choice(QUERY_TEMPLATES).format(product)
        pairs.append(InputExample(texts=[query, CATALOG[product]]))
    return pairs


def assemble_model(encoder_dir):
    word_model = models.Transformer(encoder_dir, max_seq_length=settings.max_seq_length)
    pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    projection = models.Dense(
        in_features=settings.proj_in, out_features=settings.index_dim, activation_function=torch.nn.Tanh()
    )
    return SentenceTransformer(modules=[word_model, pooling, projection], device="cpu")


def train(model, examples):
    loader = DataLoader(examples, shuffle=True, batch_size=settings.batch_size)
    loss = losses.MultipleNegativesRankingLoss(model)
    model.old_fit(
        train_objectives=[(loader, loss)],
        epochs=settings.epochs,
        warmup_steps=2,
        optimizer_params={"lr": 1e-3},
        show_progress_bar=False,
    )


def sanity_check(model):
    queries = ["need pipe wrench", "led bulb in stock"]
    docs = list(CATALOG.values())
    q = model.encode(queries, convert_to_tensor=True, normalize_embeddings=True)
    d = model.encode(docs, convert_to_tensor=True, normalize_embeddings=True)
    best = (q @ d.T).argmax(dim=1)
    for query, idx in zip(queries, best.tolist()):
        print(f"{query!r} -> {docs[idx]!r}")
    print("embedding dim:", q.shape[1])


def main():
    rng = random.Random(settings.seed)
    torch.manual_seed(settings.seed)
    all_text = list(CATALOG) + list(CATALOG.values()) + [t.format("") for t in QUERY_TEMPLATES]
    encoder_dir = build_local_encoder(tempfile.mkdtemp(prefix="hw_enc_"), all_text)
    model = assemble_model(encoder_dir)
    train(model, make_pairs(rng, 64))
    sanity_check(model)


if __name__ == "__main__":
    main()
