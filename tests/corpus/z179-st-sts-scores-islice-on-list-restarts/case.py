"""Fine-tune a small in-house bi-encoder on graded support-question pairs with CosineSimilarityLoss."""
import os
import tempfile
from itertools import islice

import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer import losses
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizerFast
from transformers.utils import logging as hf_logging

hf_logging.disable_progress_bar()

BATCH_SIZE = 4
PAIRS = [
    ("how do i reset my password", "i forgot my password"),
    ("where is my order", "track my package"),
    ("cancel my subscription", "how do i stop my plan"),
    ("change my email address", "update the email on my account"),
    ("the app crashes on start", "app closes right after opening"),
    ("how do i reset my password", "where is my order"),
    ("refund for a damaged item", "my item arrived broken"),
    ("delete my account", "change my email address"),
    ("talk to a human", "contact a support agent"),
    ("the app crashes on start", "cancel my subscription"),
]
SCORES = [0.95, 0.85, 0.9, 0.9, 0.8, 0.05, 0.75, 0.1, 0.9, 0.05]


def build_model(folder):
    words = sorted({w for pair in PAIRS for text in pair for w in text.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(folder, "vocab.txt"))
    BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=32)).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    encoder = Transformer(folder)
    return SentenceTransformer(modules=[encoder, Pooling(encoder.get_embedding_dimension(), "mean")], device="cpu")


def batches(pairs, scores, size):
    pair_iter = iter(pairs)
    while True:
        chunk = list(islice(pair_iter, size))
        if not chunk:
            return
        yield chunk, torch.tensor(list(islice(scores, size)))


def train(model, epochs=2):
    criterion = losses.CosineSimilarityLoss(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-4)
    model.train()
    for epoch in range(epochs):
        for chunk, labels in batches(PAIRS, SCORES, BATCH_SIZE):
            left = model.preprocess([a for a, _ in chunk])
            right = model.preprocess([b for _, b in chunk])
            loss = criterion([left, right], labels)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        print(f"epoch {epoch}: loss {loss.item():.4f}")


if __name__ == "__main__":
    torch.manual_seed(0)
    model = build_model(tempfile.mkdtemp())
    train(model)
    emb = model.encode(["i cannot log in", "reset password please"], convert_to_tensor=True)
    print(f"similarity: {torch.cosine_similarity(emb[0], emb[1], dim=0).item():.3f}")
