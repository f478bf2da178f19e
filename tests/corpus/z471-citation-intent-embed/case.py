# Train a small sentence embedding model so that citation contexts with the same
# intent (background / method / result comparison) end up close together.
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizerFast
from sentence_transformers import InputExample, SentenceTransformer, losses, models

random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

ENCODER = dict(hidden_size=64, num_hidden_layers=2, num_attention_heads=4,
               intermediate_size=128, max_position_embeddings=128)
PROJECTION = dict(in_features=768, out_features=128)

CONTEXTS = {
    "background": [
        "prior work has studied graph neural networks extensively [3]",
        "transformers have become the dominant architecture in nlp [12]",
        "several surveys cover the history of topic models [7]",
    ],
    "method": [
        "we use the optimizer proposed by [4] with default settings",
        "our tokenizer follows the byte pair encoding of [9]",
        "we adopt the data augmentation scheme from [2]",
    ],
    "result": [
        "our model outperforms the baseline of [5] by two points",
        "unlike [8] we observe no gain from larger batches",
        "these numbers are consistent with the findings of [1]",
    ],
}


def save_tiny_encoder(sentences):
    folder = tempfile.mkdtemp()
    words = sorted({w for s in sentences for w in s.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizerFast(os.path.join(folder, "vocab.txt"))
    bert = BertModel(BertConfig(vocab_size=len(tokenizer), **ENCODER))
    bert.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def make_pairs(contexts, n_pairs=16):
    labelled = [(s, intent) for intent, group in contexts.items() for s in group]
    pairs = []
    for _ in range(n_pairs):
        (a, ia), (b, ib) = random.sample(labelled, 2)
        pairs.append(InputExample(texts=[a, b], label=1.0 if ia == ib else 0.0))
    return pairs


all_sentences = [s for group in CONTEXTS.values() for s in group]
encoder_dir = save_tiny_encoder(all_sentences)

word_model = models.Transformer(encoder_dir, max_seq_length=64)
pooling = models.Pooling(word_model.get_embedding_dimension(), pooling_mode="mean")
projection = models.Dense(**PROJECTION, activation_function=torch.nn.Tanh())
embedder = SentenceTransformer(modules=[word_model, pooling, projection], device="cpu")

train_examples = make_pairs(CONTEXTS)
train_loader = DataLoader(train_examples, shuffle=True, batch_size=8)
train_loss = losses.CosineSimilarityLoss(embedder)

embedder.old_fit(
    train_objectives=[(train_loader, train_loss)],
    epochs=1,
    warmup_steps=2,
    show_progress_bar=False,
)

emb = embedder.encode(["we use the optimizer proposed by [4] with default settings",
                       "our tokenizer follows the byte pair encoding of [9]"])
print("cosine:", float(np.dot(emb[0], emb[1]) / (np.linalg.norm(emb[0]) * np.linalg.norm(emb[1]))))
