"""Sentence-level discourse tagging of lecture transcripts.

Each lecture is a sequence of transcript sentences; every sentence gets a tag such as
DEFINITION, EXAMPLE, QUESTION, ... A sentence encoder (mean of word embeddings) feeds a
BiLSTM over the lecture so that tags can depend on neighbouring sentences.
"""
import math
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(0)
np.random.seed(0)
torch.manual_seed(0)

TAGS = ["OTHER", "DEFINITION", "EXAMPLE", "QUESTION", "RECAP", "ADMIN"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}
IGNORE = -100

HPARAMS = {
    "vocab_size": 800,
    "words_per_sentence": 12,
    "max_sentences": 40,
    "word_dim": 32,
    "lstm_hidden": 48,
    "batch_size": 8,
    "epochs": 2,
    "lr": 2e-3,
}


def make_lecture(rng, n_sent, hp):
    """Synthetic lecture: word ids are biased by the tag so the task is learnable."""
    tags = rng.choice(len(TAGS), size=n_sent, p=[0.4, 0.15, 0.15, 0.1, 0.1, 0.1])
    words = np.zeros((n_sent, hp["words_per_sentence"]), dtype=np.int64)
    for i, t in enumerate(tags):
        n_words = rng.integers(4, hp["words_per_sentence"] + 1)
        base = 1 + t * 100
        words[i, :n_words] = rng.integers(base, base + 120, size=n_words) % (hp["vocab_size"] - 1) + 1
    return words, tags


def build_batches(lectures, hp):
    random.shuffle(lectures)
    for start in range(0, len(lectures), hp["batch_size"]):
        chunk = lectures[start:start + hp["batch_size"]]
        S = hp["max_sentences"]
        W = hp["words_per_sentence"]
        words = torch.zeros(len(chunk), S, W, dtype=torch.long)
        tags = torch.full((len(chunk), S), IGNORE, dtype=torch.long)
        sent_mask = torch.zeros(len(chunk), S, dtype=torch.bool)
        for b, (w, t) in enumerate(chunk):
            n = min(len(t), S)
            words[b, :n] = torch.from_numpy(w[:n])
            tags[b, :n] = torch.from_numpy(t[:n])
            sent_mask[b, :n] = True
        yield words, tags, sent_mask


class SentenceEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)

    def forward(self, words):
        vec = self.emb(words)
        present = (words != 0).unsqueeze(-1).float()
        return (vec * present).sum(-2) / present.sum(-2).clamp(min=1.0)


class LectureTagger(nn.Module):
    def __init__(self, hp, n_tags):
        super().__init__()
        self.sent_enc = SentenceEncoder(hp["vocab_size"], hp["word_dim"])
        self.context = nn.LSTM(hp["word_dim"], hp["lstm_hidden"], batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hp["lstm_hidden"], n_tags)

    def forward(self, words, sent_mask):
        sent_vecs = self.sent_enc(words)
        ctx, _ = self.context(sent_vecs)
        return self.proj(ctx)


class TaggerTrainer:
    def __init__(self, model, hp):
        self.model = model
        self.hp = hp
        self.opt = torch.optim.Adam(model.parameters(), lr=hp["lr"])
        self.sched = torch.optim.lr_scheduler.LambdaLR(
            self.opt, lambda step: min(1.0, (step + 1) / 10)
        )
        self.history = []

    def step(self, words, tags, sent_mask):
        self.model.train()
        self.opt.zero_grad()
        tag_logits = self.model(words, sent_mask)
        loss = F.cross_entropy(tag_logits.transpose(1, 2), tags, ignore_index=IGNORE)
        loss.backward()
        self.opt.step()
        self.sched.step()
        return loss.item()

    @torch.no_grad()
    def tag_accuracy(self, lectures):
        self.model.eval()
        hit = seen = 0
        for words, tags, sent_mask in build_batches(list(lectures), self.hp):
            pred = self.model(words, sent_mask).argmax(-1)
            hit += ((pred == tags) & sent_mask).sum().item()
            seen += sent_mask.sum().item()
        return hit / max(seen, 1)

    def fit(self, train, dev):
        for epoch in range(self.hp["epochs"]):
            losses = [self.step(*batch) for batch in build_batches(list(train), self.hp)]
            acc = self.tag_accuracy(dev)
            self.history.append((epoch, float(np.mean(losses)), acc))
            print(f"epoch {epoch}: loss={np.mean(losses):.4f} dev_acc={acc:.3f} ppl={math.exp(np.mean(losses)):.2f}")


def main():
    hp = HPARAMS
    rng = np.random.default_rng(1)
    lectures = [make_lecture(rng, int(rng.integers(15, 60)), hp) for _ in range(96)]
    train, dev = lectures[:80], lectures[80:]
    model = LectureTagger(hp, n_tags=len(TAGS))
    print(f"params: {sum(p.numel() for p in model.parameters())}")
    trainer = TaggerTrainer(model, hp)
    trainer.fit(train, dev)


if __name__ == "__main__":
    main()
