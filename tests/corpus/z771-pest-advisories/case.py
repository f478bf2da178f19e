"""Retrieval of crop-pest advisories for farmer helpline questions.

Bi-encoder on a tiny random BERT, trained with old_fit on (question, advisory)
pairs; a small custom evaluator reports top-1 topic hit rate after each epoch.
"""
import csv
import io
import os
import random
import tempfile
from collections import namedtuple

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models, util
from sentence_transformers.evaluation import SentenceEvaluator

random.seed(3)
torch.manual_seed(3)

Config = namedtuple("Config", ["hidden", "max_seq_len", "batch_size", "epochs", "warmup"])
cfg = Config(hidden=32, max_seq_len=32, batch_size=4, epochs=1, warmup=1)

TOPIC_CSV = """topic,crop
aphids,wheat
late blight,potato
rootworm,maize
powdery mildew,grapevine
"""

ADVISORIES = [
    ("spray neem oil when aphid colonies appear on wheat ear", "aphids"),
    ("encourage ladybirds to control aphids on young wheat", "aphids"),
    ("remove infected potato haulms to slow late blight", "late blight"),
    ("apply protectant fungicide before blight weather on potato", "late blight"),
    ("rotate maize with soybean to break rootworm cycle", "rootworm"),
    ("scout maize roots for rootworm larvae in june", "rootworm"),
    ("sulphur dust protects grapevine leaves from powdery mildew", "powdery mildew"),
    ("open grapevine canopy to reduce mildew humidity", "powdery mildew"),
]

QUESTIONS = [
    ("small green insects on my wheat ear what to spray", "aphids"),
    ("potato leaves have brown blight patches after rain", "late blight"),
    ("maize plants falling over roots chewed by larvae", "rootworm"),
    ("white powder on grapevine leaves", "powdery mildew"),
    ("how to stop aphid colonies on wheat", "aphids"),
]


def load_topics(text):
    """Topic labels from the agronomy team's CSV."""
    return [row["topic"] for row in csv.DictReader(io.StringIO(text))]


def save_tiny_bert(texts):
    """Write a random tiny BERT + word-level tokenizer to a temp dir and return the path."""
    out_dir = tempfile.mkdtemp()
    words = sorted({w for t in texts for w in t.split()})
    vocab_path = os.path.join(out_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_path)
    bert = BertModel(BertConfig(vocab_size=len(tok), hidden_size=cfg.hidden, num_hidden_layers=1,
                                num_attention_heads=2, intermediate_size=64, max_position_embeddings=64))
    bert.save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    return out_dir


def make_pairs(questions, advisories):
    """Every question against every advisory, 1.0 when the topics agree."""
    return [InputExample(texts=[q, a], label=float(qt == at))
            for q, qt in questions for a, at in advisories]


class TopicHitEvaluator(SentenceEvaluator):
    """Top-1 retrieval: does the best-scoring advisory share the question's topic?"""

    def __init__(self, questions, advisories):
        super().__init__()
        self.q_texts, self.q_topics = zip(*questions)
        self.a_texts, self.a_topics = zip(*advisories)
        self.last_hits = []

    def __call__(self, model, output_path=None, epoch=-1, steps=-1):
        q_emb = model.encode(list(self.q_texts), convert_to_tensor=True, show_progress_bar=False)
        d_emb = model.encode(list(self.a_texts), convert_to_tensor=True, show_progress_bar=False)
        scores = util.cos_sim(q_emb, d_emb)
        self.last_hits = []
        for qi in range(len(d_emb)):
            best = int(torch.argmax(scores[qi]))
            self.last_hits.append((qi, self.a_topics[best], self.a_topics[best] == self.q_topics[qi]))
        hit_rate = sum(h for _, _, h in self.last_hits) / len(self.last_hits)
        print(f"[eval] epoch {epoch}: top-1 topic hit rate {hit_rate:.2f}")
        return hit_rate


topics = load_topics(TOPIC_CSV)
print(f"topics: {topics}")
model_dir = save_tiny_bert([t for t, _ in ADVISORIES + QUESTIONS])

encoder = models.Transformer(model_dir, max_seq_length=cfg.max_seq_len)
pooling = models.Pooling(encoder.get_word_embedding_dimension(), pooling_mode="mean")
model = SentenceTransformer(modules=[encoder, pooling], device="cpu")

train_loader = DataLoader(make_pairs(QUESTIONS, ADVISORIES), shuffle=True, batch_size=cfg.batch_size)
evaluator = TopicHitEvaluator(QUESTIONS, ADVISORIES)
model.old_fit(train_objectives=[(train_loader, losses.CosineSimilarityLoss(model))],
              evaluator=evaluator, epochs=cfg.epochs, warmup_steps=cfg.warmup,
              show_progress_bar=False)

print(f"\n{'question':<46} | {'gold':<15} | {'retrieved':<15} | ok")
print("-" * 86)
for qi, got, ok in evaluator.last_hits:
    q, gold = QUESTIONS[qi]
    print(f"{q[:46]:<46} | {gold:<15} | {got:<15} | {'y' if ok else 'n'}")
