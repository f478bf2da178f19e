"""Urgency routing for after-hours veterinary phone notes (bag-of-embeddings model, plain torch)."""
import functools
import logging
from dataclasses import dataclass
from typing import Dict, List

import torch
import torch.nn as nn

logging.basicConfig(level=logging.INFO, format="[%(levelname)s] %(name)s - %(message)s")
logger = logging.getLogger("vet.triage")
torch.manual_seed(11)

URGENCY = ["routine", "next_day", "emergency"]
NOTES = [
    ("dog ate chocolate an hour ago shaking", 2), ("cat not urinating straining in litter box", 2),
    ("puppy missed booster vaccine", 0), ("nail trim overdue", 0),
    ("rabbit not eating since morning", 1), ("dog limping after walk", 1),
    ("horse colic rolling and sweating", 2), ("cat sneezing mild discharge", 1),
]


@dataclass
class TriageRequest:
    call_id: int
    note: str


@dataclass
class TriageResult:
    call_id: int
    urgency: str
    scores: Dict[str, float]


class NoteVocab:
    def __init__(self, texts):
        self.itos = ["<pad>", "<unk>"] + sorted({w for t in texts for w in t.split()})
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, text):
        return [self.stoi.get(w, 1) for w in text.lower().split()]


class BagClassifier(nn.Module):
    def __init__(self, n_words, dim, n_classes):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=0)
        self.head = nn.Sequential(nn.Linear(dim, dim), nn.Tanh(), nn.Linear(dim, n_classes))

    def forward(self, word_ids, lengths):
        summed = self.emb(word_ids).sum(dim=1)
        return self.head(summed / lengths.unsqueeze(-1))


def training_batches(vocab, rows, size):
    for i in range(0, len(rows), size):
        part = rows[i:i + size]
        seqs = [vocab.encode(t) for t, _ in part]
        ids = nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], batch_first=True)
        yield ids, torch.tensor([len(s) for s in seqs], dtype=torch.float), torch.tensor([y for _, y in part])


def fine_tune(model, vocab, epochs=5):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    for ep in range(epochs):
        total = 0.0
        for ids, lens, gold in training_batches(vocab, NOTES, size=4):
            loss = loss_fn(model(ids, lens), gold)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        logger.info("epoch %d  loss %.3f", ep, total)


class Predictor:
    def __init__(self, model, vocab, max_batch=3):
        self.model, self.vocab, self.max_batch = model, vocab, max_batch

    def load(self):
        self.model.eval()
        logger.info("loaded model with %d words", self.model.emb.num_embeddings)

    def preprocess(self, requests: List[TriageRequest]):
        encoded = [self.vocab.encode(r.note) or [1] for r in requests]
        width = max(map(len, encoded))
        grid = torch.zeros(len(encoded), width)
        for row, seq in enumerate(encoded):
            grid[row, :len(seq)] = torch.tensor(seq)
        lens = torch.tensor([len(s) for s in encoded], dtype=torch.float)
        return {"word_ids": grid, "lengths": lens}

    def predict(self, batch):
        with torch.inference_mode():
            return torch.softmax(self.model(**batch), dim=-1)

    def postprocess(self, requests, probs):
        out = []
        for req, row in zip(requests, probs):
            scores = {name: round(p, 3) for name, p in zip(URGENCY, row.tolist())}
            out.append(TriageResult(req.call_id, max(scores, key=scores.get), scores))
        return out

    def serve(self, queue: List[TriageRequest]):
        results = []
        for i in range(0, len(queue), self.max_batch):
            reqs = queue[i:i + self.max_batch]
            results += self.postprocess(reqs, self.predict(self.preprocess(reqs)))
        return results


if __name__ == "__main__":
    vocab = NoteVocab([t for t, _ in NOTES])
    make_model = functools.partial(BagClassifier, dim=24, n_classes=len(URGENCY))
    model = make_model(len(vocab.itos))
    fine_tune(model, vocab)
    predictor = Predictor(model, vocab)
    predictor.load()
    incoming = [TriageRequest(501, "Dog ate chocolate"), TriageRequest(502, "cat sneezing"),
                TriageRequest(503, "horse rolling and sweating"), TriageRequest(504, "booster vaccine due")]
    for res in predictor.serve(incoming):
        logger.info("call %d -> %s %s", res.call_id, res.urgency, res.scores)
