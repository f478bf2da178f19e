"""Deep Knowledge Tracing on autograder submissions from an intro-programming MOOC.

Each student submits solutions to exercises (each exercise belongs to one concept:
loops, recursion, string slicing, ...). The LSTM reads the submission history and, at
every step, predicts whether the student's NEXT submission will pass all unit tests.
"""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 3
NUM_EXERCISES = 60
NUM_CONCEPTS = 8
WINDOW = 30
HIDDEN = 48
BATCH_SIZE = 16
EPOCHS = 3

EXERCISE_CONCEPT = [ex % NUM_CONCEPTS for ex in range(NUM_EXERCISES)]


def simulate_submissions(num_students, rng):
    students = []
    for _ in range(num_students):
        mastery = [rng.uniform(0.1, 0.6) for _ in range(NUM_CONCEPTS)]
        n = rng.randint(8, 45)
        subs = []
        for _ in range(n):
            ex = rng.randrange(NUM_EXERCISES)
            concept = EXERCISE_CONCEPT[ex]
            passed = rng.random() < mastery[concept]
            subs.append((ex, passed))
            mastery[concept] = min(0.95, mastery[concept] + (0.08 if passed else 0.04))
        students.append(subs)
    return students


def to_windows(students):
    """Cut every student's history into fixed windows of WINDOW submissions, padded at the end."""
    exercises, passed, valid = [], [], []
    for subs in students:
        for start in range(0, len(subs), WINDOW):
            chunk = subs[start:start + WINDOW]
            if len(chunk) < 2:
                continue
            pad = WINDOW - len(chunk)
            exercises.append([ex for ex, _ in chunk] + [0] * pad)
            passed.append([float(p) for _, p in chunk] + [0.0] * pad)
            valid.append([1.0] * len(chunk) + [0.0] * pad)
    return torch.tensor(exercises), torch.tensor(passed), torch.tensor(valid)


class SubmissionDKT(nn.Module):
    def __init__(self, num_exercises, hidden):
        super().__init__()
        self.num_exercises = num_exercises
        # one embedding row per (exercise, outcome) pair
        self.interaction_emb = nn.Embedding(2 * num_exercises, hidden)
        self.lstm = nn.LSTM(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, num_exercises)

    def forward(self, exercises, passed):
        interactions = exercises + self.num_exercises * passed.long()
        states, _ = self.lstm(self.interaction_emb(interactions[:, :-1]))
        per_exercise = self.out(states)
        next_exercise = exercises[:, 1:].unsqueeze(-1)
        return per_exercise.gather(-1, next_exercise).squeeze(-1)


def masked_bce(logits, targets, weights):
    per_step = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    return (per_step * weights).sum() / weights.sum().clamp(min=1.0)


def batches(n, batch_size, shuffle, rng):
    order = list(range(n))
    if shuffle:
        rng.shuffle(order)
    for i in range(0, n, batch_size):
        yield torch.tensor(order[i:i + batch_size])


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    students = simulate_submissions(120, rng)
    exercises, passed, valid = to_windows(students)
    print(f"{exercises.size(0)} windows of {WINDOW} submissions")
    n_train = int(0.85 * exercises.size(0))

    model = SubmissionDKT(NUM_EXERCISES, HIDDEN)
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)

    for epoch in range(EPOCHS):
        model.train()
        total, steps = 0.0, 0
        for idx in batches(n_train, BATCH_SIZE, True, rng):
            ex_b, passed_b, valid_b = exercises[idx], passed[idx], valid[idx]
            logits = model(ex_b, passed_b)
            loss = masked_bce(logits, passed_b[:, 1:], valid_b[:, 1:])
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            total += loss.item()
            steps += 1

        model.eval()
        with torch.no_grad():
            ex_v, passed_v, valid_v = exercises[n_train:], passed[n_train:], valid[n_train:]
            logits = model(ex_v, passed_v)
            val_loss = masked_bce(logits, passed_v[:, 1:], valid_v[:, 1:])
        print(f"epoch {epoch}: train bce {total / steps:.4f}  val bce {val_loss.item():.4f}")


if __name__ == "__main__":
    main()
