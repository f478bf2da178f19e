"""Knowledge tracing for an intro-to-programming autograder.

Each student submits solutions to exercises (loops, recursion, string slicing ...);
the autograder records pass/fail. A GRU reads the submission history and predicts
whether the next submission will pass all tests.
"""
import random

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

random.seed(11)
torch.manual_seed(11)

EXERCISES = {
    "fizzbuzz": 0, "reverse_string": 0, "sum_digits": 1, "factorial_rec": 2,
    "fib_memo": 2, "palindrome": 0, "list_flatten": 2, "word_count": 3,
    "matrix_transpose": 1, "binary_search": 1, "anagram_groups": 3, "tower_hanoi": 2,
}
CONCEPTS = ["strings", "loops", "recursion", "dicts"]
EX_INDEX = {name: i for i, name in enumerate(EXERCISES)}
WINDOW = 30


def load_submissions(n_students):
    rows = []
    for sid in range(n_students):
        skill = [random.uniform(0.2, 0.6) for _ in CONCEPTS]
        for k in range(random.randint(8, WINDOW)):
            ex = random.choice(list(EXERCISES))
            c = EXERCISES[ex]
            passed = random.random() < skill[c]
            skill[c] = min(0.95, skill[c] + (0.1 if not passed else 0.03))
            rows.append({"student": sid, "order": k, "exercise": ex, "passed": passed})
    return rows


class SubmissionHistories(Dataset):
    def __init__(self, rows):
        by_student = {}
        for r in sorted(rows, key=lambda r: (r["student"], r["order"])):
            by_student.setdefault(r["student"], []).append(r)
        self.histories = list(by_student.values())

    def __len__(self):
        return len(self.histories)

    def __getitem__(self, idx):
        hist = self.histories[idx][-WINDOW:]
        # columns: exercise index, concept index, passed
        return torch.tensor([[EX_INDEX[r["exercise"]], EXERCISES[r["exercise"]], int(r["passed"])]
                             for r in hist])


def pad_collate(items):
    lengths = torch.tensor([len(x) for x in items])
    attempts = nn.utils.rnn.pad_sequence(items, batch_first=True, padding_value=0)
    return attempts, lengths


class SubmissionGRU(nn.Module):
    def __init__(self, n_ex, n_concepts, dim=32):
        super().__init__()
        self.ex_emb = nn.Embedding(n_ex, dim)
        self.concept_emb = nn.Embedding(n_concepts, dim)
        self.outcome_emb = nn.Embedding(2, dim)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.query = nn.Linear(dim, dim)

    def forward(self, attempts):
        ex, concept, passed = attempts.unbind(-1)
        x = self.ex_emb(ex) + self.concept_emb(concept) + self.outcome_emb(passed)
        state, _ = self.gru(x)
        # score the next exercise against the state after the current one
        nxt = self.ex_emb(ex[:, 1:]) + self.concept_emb(concept[:, 1:])
        return (self.query(state[:, :-1]) * nxt).sum(-1)


def masked_pass_loss(logits, attempts, lengths, criterion):
    nxt_passed = attempts[:, 1:, 2]
    steps = torch.arange(1, attempts.size(1)).unsqueeze(0)
    keep = (steps < lengths.unsqueeze(1)).float()
    per_step = criterion(logits, nxt_passed.float())
    return (per_step * keep).sum() / keep.sum()


def run_epoch(model, loader, criterion, opt=None):
    total, batches = 0.0, 0
    for attempts, lengths in loader:
        logits = model(attempts)
        loss = masked_pass_loss(logits, attempts, lengths, criterion)
        if opt is not None:
            opt.zero_grad()
            loss.backward()
            opt.step()
        total += loss.item()
        batches += 1
    return total / batches


def main():
    rows = load_submissions(50)
    data = SubmissionHistories(rows)
    train_set = torch.utils.data.Subset(data, range(40))
    val_set = torch.utils.data.Subset(data, range(40, len(data)))
    train_dl = DataLoader(train_set, batch_size=8, shuffle=True, collate_fn=pad_collate)
    val_dl = DataLoader(val_set, batch_size=8, collate_fn=pad_collate)

    model = SubmissionGRU(len(EX_INDEX), len(CONCEPTS))
    opt = torch.optim.Adam(model.parameters(), lr=5e-3)
    criterion = nn.BCEWithLogitsLoss(reduction="none")

    for epoch in range(5):
        model.train()
        tr = run_epoch(model, train_dl, criterion, opt)
        model.eval()
        with torch.no_grad():
            va = run_epoch(model, val_dl, criterion)
        print(f"epoch {epoch}: train {tr:.4f}  val {va:.4f}")


if __name__ == "__main__":
    main()
