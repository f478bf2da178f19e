"""Hive inspection notes -> colony status.

Apiary volunteers write short free-text notes after each inspection; we
classify them as healthy / queenless / disease-suspect so the lead
beekeeper knows which hives to revisit first.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

STATUSES = ["healthy", "queenless", "disease-suspect"]

NOTES = [
    ("brood pattern solid, eggs seen, calm bees", 0),
    ("no eggs no young larvae, roaring when opened", 1),
    ("sunken cappings with holes, ropey test positive", 2),
    ("queen spotted on frame four, good stores", 0),
    ("several emergency queen cells, no eggs", 1),
    ("chalky mummies on landing board, spotty brood", 2),
    ("strong colony, supers filling, gentle", 0),
    ("laying workers suspected, multiple eggs per cell", 1),
]

STATE = {"pad": "<pad>", "unk": "<unk>", "batch_size": 4}


class WordVocab:
    def __init__(self, sentences, pad, unk):
        self.itos = [pad, unk]
        for s in sentences:
            for w in s.replace(",", " ").split():
                if w not in self.itos:
                    self.itos.append(w)
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.pad_id = 0

    def __call__(self, sentence):
        return [self.stoi.get(w, 1) for w in sentence.replace(",", " ").split()]

    def __len__(self):
        return len(self.itos)


class NoteClassifier(nn.Module):
    def __init__(self, vocab_size, dim, n_classes):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.attn = nn.Linear(2 * dim, 1)
        self.out = nn.Linear(2 * dim, n_classes)

    def forward(self, token_ids, is_pad):
        states, _ = self.rnn(self.emb(token_ids))
        scores = self.attn(states).squeeze(-1)
        scores = scores.masked_fill(is_pad, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        pooled = torch.bmm(weights.unsqueeze(1), states).squeeze(1)
        return self.out(pooled)


def collate(rows, pad_id):
    width = max(len(ids) for ids, _ in rows)
    token_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    is_pad = torch.ones((len(rows), width), dtype=torch.long)
    for i, (ids, _) in enumerate(rows):
        token_ids[i, : len(ids)] = torch.tensor(ids)
        is_pad[i, : len(ids)] = 0
    status = torch.tensor([y for _, y in rows])
    return token_ids, is_pad, status


def batches(rows, size, shuffle=False):
    order = list(range(len(rows)))
    if shuffle:
        random.shuffle(order)
    for start in range(0, len(order), size):
        yield [rows[j] for j in order[start:start + size]]


def load():
    vocab = WordVocab([n for n, _ in NOTES], STATE["pad"], STATE["unk"])
    STATE["tokenizer"] = vocab
    STATE["model"] = NoteClassifier(len(vocab), dim=24, n_classes=len(STATUSES))
    STATE["data"] = NOTES
    print(f"vocab size {len(vocab)}, {len(NOTES)} inspection notes")


def encode():
    vocab = STATE["tokenizer"]
    STATE["encoded"] = [(vocab(text), y) for text, y in STATE["data"]]
    lengths = [len(ids) for ids, _ in STATE["encoded"]]
    print(f"encoded notes, lengths min={min(lengths)} max={max(lengths)}")


def train():
    model = STATE["model"]
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    pad_id = STATE["tokenizer"].pad_id
    for epoch in range(5):
        model.train()
        total = 0.0
        for chunk in batches(STATE["encoded"], STATE["batch_size"], shuffle=True):
            token_ids, is_pad, status = collate(chunk, pad_id)
            loss = F.cross_entropy(model(token_ids, is_pad), status)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}  loss {total:.3f}")


def evaluate():
    model = STATE["model"]
    model.eval()
    pad_id = STATE["tokenizer"].pad_id
    right = 0
    with torch.no_grad():
        for chunk in batches(STATE["encoded"], STATE["batch_size"]):
            token_ids, is_pad, status = collate(chunk, pad_id)
            right += (model(token_ids, is_pad).argmax(-1) == status).sum().item()
    STATE["results"] = {"accuracy": right / len(STATE["encoded"])}
    print(f"accuracy on inspection notes: {STATE['results']['accuracy']:.2f}")


COMMANDS = {"load": load, "encode": encode, "train": train, "eval": evaluate}


def run(cmd):
    print(f"[hive] {cmd}")
    COMMANDS[cmd]()


for cmd in ["load", "encode", "train", "eval"]:
    run(cmd)
