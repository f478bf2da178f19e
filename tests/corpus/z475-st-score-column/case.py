"""Fine-tune a small sentence encoder on our in-house paraphrase ratings.

Each pair was rated 1-5 by three annotators; we train with CosineSimilarityLoss
against the averaged, rescaled score.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizerFast

from sentence_transformers import InputExample, SentenceTransformer, losses, models


@dataclass
class TrainConfig:
    text_a: str = "sent_a"
    text_b: str = "sent_b"
    label_column: str = "ratings"
    batch_size: int = 8
    epochs: int = 1
    max_seq_length: int = 32
    seed: int = 13


cfg = TrainConfig()
random.seed(cfg.seed)
np.random.seed(cfg.seed)
torch.manual_seed(cfg.seed)

WORDS = ("the a cat dog sat ran on under mat rug quickly slowly big small red blue "
         "house car tree park child man woman walked jumped saw near").split()


def build_encoder_dir():
    """Write a tiny random BERT + vocab to disk so SentenceTransformer can load it."""
    out = tempfile.mkdtemp()
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS
    with open(os.path.join(out, "vocab.txt"), "w") as f:
        f.write("\n".join(vocab) + "\n")
    tok = BertTokenizerFast(os.path.join(out, "vocab.txt"))
    bert_cfg = BertConfig(vocab_size=len(vocab), hidden_size=48, num_hidden_layers=1,
                          num_attention_heads=4, intermediate_size=96,
                          max_position_embeddings=64)
    BertModel(bert_cfg).save_pretrained(out)
    tok.save_pretrained(out)
    return out


def make_table(n=32):
    """Dataframe-like dict of columns, as exported from the annotation tool."""
    table = {"sent_a": [], "sent_b": [], "ratings": [], "score": []}
    for _ in range(n):
        a = " ".join(random.choices(WORDS, k=random.randint(4, 9)))
        b = " ".join(random.choices(WORDS, k=random.randint(4, 9)))
        ratings = [random.randint(1, 5) for _ in range(3)]
        table["sent_a"].append(a)
        table["sent_b"].append(b)
        table["ratings"].append(ratings)
        table["score"].append((sum(ratings) / len(ratings) - 1) / 4)
    return table


def to_examples(table, cfg):
    n = len(table[cfg.text_a])
    return [
        InputExample(texts=[table[cfg.text_a][i], table[cfg.text_b][i]],
                     label=table[cfg.label_column][i])
        for i in range(n)
    ]


encoder_dir = build_encoder_dir()
word_model = models.Transformer(encoder_dir, max_seq_length=cfg.max_seq_length)
pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
model = SentenceTransformer(modules=[word_model, pooling], device="cpu")

table = make_table()
train_examples = to_examples(table, cfg)
print(f"{len(train_examples)} training pairs, first: {train_examples[0].texts}")

train_loader = DataLoader(train_examples, shuffle=True, batch_size=cfg.batch_size)
train_loss = losses.CosineSimilarityLoss(model)

model.old_fit(
    train_objectives=[(train_loader, train_loss)],
    epochs=cfg.epochs,
    warmup_steps=2,
    show_progress_bar=False,
)

emb = model.encode(["the cat sat on the mat", "a dog ran in the park"], convert_to_tensor=True)
print("cosine after training:", torch.cosine_similarity(emb[0:1], emb[1:2]).item())
