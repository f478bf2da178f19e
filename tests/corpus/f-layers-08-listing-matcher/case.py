import numpy as np
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from sentence_transformers.models.tokenizer import WhitespaceTokenizer

WORD_DIM = 24
MATCH_LABELS = {"same_item": 0, "variant": 1, "unrelated": 2}

LISTING_PAIRS = [
    ("wireless mouse black", "black wireless mouse", "same_item"),
    ("wireless mouse black", "wireless mouse white", "variant"),
    ("usb keyboard compact", "compact usb keyboard", "same_item"),
    ("usb keyboard compact", "usb keyboard fullsize", "variant"),
    ("steel water bottle", "water bottle steel", "same_item"),
    ("steel water bottle", "plastic water bottle", "variant"),
    ("running shoes blue", "blue running shoes", "same_item"),
    ("running shoes blue", "wireless mouse black", "unrelated"),
    ("ceramic coffee mug", "coffee mug ceramic", "same_item"),
    ("ceramic coffee mug", "usb keyboard compact", "unrelated"),
    ("leather wallet brown", "brown leather wallet", "same_item"),
    ("leather wallet brown", "steel water bottle", "unrelated"),
]


def build_vocab(pairs):
    words = set()
    for left, right, _ in pairs:
        words.update(left.split())
        words.update(right.split())
    return sorted(words)


def build_encoder(vocab, dim, seed=0):
    rng = np.random.default_rng(seed)
    weights = rng.normal(0.0, 0.1, size=(len(vocab), dim)).astype(np.float32)
    tokenizer = WhitespaceTokenizer(vocab=vocab, stop_words=[], do_lower_case=True)
    word_layer = models.WordEmbeddings(tokenizer=tokenizer, embedding_weights=weights, update_embeddings=True)
    pooling = models.Pooling(dim, pooling_mode=["mean", "max"])
    return SentenceTransformer(modules=[word_layer, pooling], device="cpu")


def main():
    vocab = build_vocab(LISTING_PAIRS)
    model = build_encoder(vocab, WORD_DIM)
    examples = [InputExample(texts=[a, b], label=MATCH_LABELS[tag]) for a, b, tag in LISTING_PAIRS]
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    match_loss = losses.SoftmaxLoss(
        model=model,
        embedding_dimension=WORD_DIM,
        num_labels=len(MATCH_LABELS),
    )
    model.old_fit(train_objectives=[(loader, match_loss)], epochs=1, warmup_steps=0, show_progress_bar=False)
    vectors = model.encode(["black wireless mouse", "brown leather wallet"])
    print("embedding shape:", vectors.shape)


if __name__ == "__main__":
    main()
