"""SBERT-style multi-task training: NLI (SoftmaxLoss) and STS (CosineSimilarityLoss) batches in turn,
the round-robin of the original training script, written as a plain PyTorch loop.
"""
import itertools
import os
import random
import tempfile

import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.sentence_transformer import losses
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(0)
torch.manual_seed(0)

NLI = [  # premise, hypothesis, 0 entailment / 1 neutral / 2 contradiction
    ("a man plays the guitar", "a man makes music", 0), ("a girl rides a horse", "a girl is sleeping", 2),
    ("two dogs run on the beach", "the dogs are outside", 0), ("a woman cooks dinner", "she cooks for her family", 1),
    ("a boy kicks a ball", "nobody is playing", 2), ("people wait for the bus", "the bus is late", 1),
]
STS = [  # sentence pair and a similarity score in [0, 1]
    ("a man plays the guitar", "a man plays an instrument", 0.9), ("a girl rides a horse", "a dog runs", 0.1),
    ("a woman cooks dinner", "a woman prepares food", 0.8), ("two dogs run on the beach", "people wait", 0.0),
]


def build_model(folder):
    words = sorted({w for a, b, _ in NLI + STS for w in f"{a} {b}".split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    BertTokenizer(os.path.join(folder, "vocab.txt")).save_pretrained(folder)
    BertModel(BertConfig(vocab_size=len(words) + 5, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)).save_pretrained(folder)
    word = Transformer(folder, max_seq_length=32)
    return SentenceTransformer(modules=[word, Pooling(word.get_embedding_dimension())], device="cpu")


def batches(rows, size):
    rows = rows[:]
    random.shuffle(rows)
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def to_features(model, rows):
    """(sentence features for both columns, labels) for one batch of (a, b, label) rows."""
    a, b, labels = zip(*rows)
    features = [model.tokenize(list(a)), model.tokenize(list(b))]
    return features, torch.tensor(labels)


model = build_model(tempfile.mkdtemp(prefix="sbert-mt-"))
objectives = {
    "nli": (NLI, losses.SoftmaxLoss(model, model.get_embedding_dimension(), num_labels=3)),
    "sts": (STS, losses.CosineSimilarityLoss(model)),
}
params = itertools.chain(model.parameters(), objectives["nli"][1].classifier.parameters())
optimizer = torch.optim.AdamW(params, lr=2e-4)

model.train()
for epoch in range(2):
    iterators = {name: batches(rows, 3) for name, (rows, _) in objectives.items()}
    for step in range(2):
        for name, (_, loss_fn) in objectives.items():
            features, labels = to_features(model, next(iterators[name]))
            loss = loss_fn(features, labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    print(f"epoch {epoch} done")
