import re

import numpy as np
import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from sentence_transformers.models.tokenizer import WhitespaceTokenizer

torch.manual_seed(3)
rng = np.random.default_rng(3)

WORD_DIM = 40
RELATION = {"duplicate": 0, "related": 1, "unrelated": 2}

FAQ_PAIRS = [
    ("how do i reset my password", "i forgot my password how can i change it", "duplicate"),
    ("how do i reset my password", "can i enable two factor login", "related"),
    ("how do i reset my password", "what are your opening hours", "unrelated"),
    ("where is my order", "my order has not arrived yet", "duplicate"),
    ("where is my order", "can i change the delivery address", "related"),
    ("where is my order", "do you sell gift cards", "unrelated"),
    ("can i return an item", "how do i send a product back", "duplicate"),
    ("can i return an item", "how long does a refund take", "related"),
    ("can i return an item", "is the store open on sunday", "unrelated"),
    ("do you ship abroad", "can you deliver to another country", "duplicate"),
    ("do you ship abroad", "how much does express shipping cost", "related"),
    ("do you ship abroad", "how do i delete my account", "unrelated"),
    ("how do i cancel my subscription", "i want to stop my monthly plan", "duplicate"),
    ("how do i cancel my subscription", "can i pause my plan for a month", "related"),
    ("how do i cancel my subscription", "where can i find the size guide", "unrelated"),
    ("is my payment secure", "do you store my card details safely", "duplicate"),
]


def build_vocab(pairs):
    seen = ["[pad]"]
    for a, b, _ in pairs:
        for w in re.findall(r"[a-z]+", (a + " " + b).lower()):
            if w not in seen:
                seen.append(w)
    return seen


def make_encoder(vocab):
    tok = WhitespaceTokenizer(vocab=vocab, stop_words=[], do_lower_case=True)
    weights = rng.normal(scale=0.1, size=(len(vocab), WORD_DIM)).astype(np.float32)
    weights[0] = 0.0
    word_layer = models.WordEmbeddings(tok, weights, update_embeddings=True)
    pool = models.Pooling(word_layer.get_embedding_dimension(), pooling_mode=["mean", "max"])
    return SentenceTransformer(modules=[word_layer, pool], device="cpu")


def to_examples(pairs):
    out = []
    for q1, q2, rel in pairs:
        out.append(InputExample(texts=[q1, q2], label=RELATION[rel]))
        out.append(InputExample(texts=[q2, q1], label=RELATION[rel]))
    return out


def main():
    vocab = build_vocab(FAQ_PAIRS)
    encoder = make_encoder(vocab)
    examples = to_examples(FAQ_PAIRS)
    loader = DataLoader(examples, shuffle=True, batch_size=8)
    objective = losses.SoftmaxLoss(
        model=encoder,
        embedding_dimension=encoder.get_embedding_dimension(),
        num_labels=len(RELATION),
    )
    encoder.old_fit(
        train_objectives=[(loader, objective)],
        epochs=2,
        warmup_steps=2,
        optimizer_params={"lr": 1e-2},
        show_progress_bar=False,
    )
    vecs = encoder.encode(["where is my order", "my order has not arrived yet", "do you sell gift cards"])
    sims = vecs @ vecs.T / np.outer(np.linalg.norm(vecs, axis=1), np.linalg.norm(vecs, axis=1))
    print(np.round(sims, 3))


if __name__ == "__main__":
    main()
