"""Text-aware knowledge tracing + a small adaptive-practice simulation.

Question stems are encoded with a tiny BERT; an LSTM runs over the sequence of
(question embedding, correctness) pairs and predicts the next answer. After
training, we replay held-out learners through a greedy item picker.
"""
import os
import random
from dataclasses import dataclass, field
from itertools import chain, groupby, islice
from operator import itemgetter

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(21)
torch.manual_seed(21)
HERE = os.path.dirname(os.path.abspath(__file__))

WORDS = ["what", "is", "the", "value", "of", "solve", "x", "y", "when", "sum", "product",
         "area", "slope", "line", "mean", "median", "probability", "coin", "dice", "graph"]
N_ITEMS, N_SKILLS, MAX_TOK = 60, 6, 16


@dataclass
class Item:
    item_id: int
    skill: int
    stem: str
    difficulty: float


@dataclass
class LearnerState:
    learner_id: int
    history: list = field(default_factory=list)
    mastered: set = field(default_factory=set())
    attempts: dict = field(default_factory=dict)

    def record(self, item, correct):
        self.history.append((item.item_id, correct))
        self.attempts[item.skill] = self.attempts.get(item.skill, 0) + 1
        if correct and self.attempts[item.skill] >= 3:
            self.mastered.add(item.skill)


def build_bank():
    bank = []
    for i in range(N_ITEMS):
        skill = i % N_SKILLS
        stem = " ".join(random.choices(WORDS, k=random.randint(4, MAX_TOK - 2)))
        bank.append(Item(i, skill, stem, random.uniform(-1.5, 1.5)))
    return bank


def simulate_responses(bank, n_learners=40):
    rows = []
    for lid in range(n_learners):
        ability = random.gauss(0, 1)
        for t, item in enumerate(random.choices(bank, k=random.randint(10, 30))):
            p = torch.sigmoid(torch.tensor(ability - item.difficulty + 0.03 * t)).item()
            rows.append((lid, item.item_id, int(random.random() < p)))
    return rows


class TextKT(nn.Module):
    def __init__(self, bert_cfg, hidden=32):
        super().__init__()
        self.bert = BertModel(bert_cfg)
        self.correct_emb = nn.Embedding(2, bert_cfg.hidden_size)
        self.lstm = nn.LSTM(bert_cfg.hidden_size, hidden, batch_first=True)
        self.score = nn.Bilinear(hidden, bert_cfg.hidden_size, 1)

    def encode_items(self, enc):
        return self.bert(**enc).last_hidden_state[:, 0]

    def forward(self, item_vecs, item_seq, correct_seq):
        x = item_vecs[item_seq] + self.correct_emb(correct_seq)
        h, _ = self.lstm(x[:, :-1])
        nxt = item_vecs[item_seq[:, 1:]]
        return self.score(h.contiguous(), nxt.contiguous()).squeeze(-1)


def learner_sequences(rows):
    rows = sorted(rows, key=itemgetter(0))
    for lid, grp in groupby(rows, key=itemgetter(0)):
        grp = list(grp)
        yield lid, torch.tensor([g[1] for g in grp]), torch.tensor([g[2] for g in grp])


def main():
    vocab_file = os.path.join(HERE, "kt_vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(chain(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], WORDS)) + "\n")
    tok = BertTokenizer(vocab_file)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    bank = build_bank()
    enc = tok([it.stem for it in bank], padding="max_length", max_length=MAX_TOK,
              truncation=True, return_tensors="pt")
    seqs = list(learner_sequences(simulate_responses(bank)))
    train_seqs, test_seqs = seqs[:32], seqs[32:]

    model = TextKT(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(3):
        total = 0.0
        for _, items_t, corr_t in train_seqs:
            item_vecs = model.encode_items(enc)
            logits = model(item_vecs, items_t.unsqueeze(0), corr_t.unsqueeze(0))
            loss = F.binary_cross_entropy_with_logits(logits, corr_t[1:].unsqueeze(0).float())
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: mean loss {total / len(train_seqs):.4f}")

    model.eval()
    with torch.no_grad():
        item_vecs = model.encode_items(enc)
    for lid, items_t, corr_t in islice(test_seqs, 4):
        state = LearnerState(lid)
        for item_id, correct in zip(items_t.tolist(), corr_t.tolist()):
            state.record(bank[item_id], correct)
        todo = [it for it in bank if it.skill not in state.mastered]
        print(f"learner {lid}: mastered {sorted(state.mastered)}, {len(todo)} items left")
    os.remove(vocab_file)


if __name__ == "__main__":
    main()
