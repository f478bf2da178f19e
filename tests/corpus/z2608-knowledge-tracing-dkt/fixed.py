"""Deep Knowledge Tracing on synthetic tutoring-system logs.

Each student answers a stream of practice items tagged with one skill.
The LSTM reads (skill, correct) interactions and predicts, at every step,
the probability of answering each skill correctly on the next attempt.
"""
import random

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

SEED = 11
N_SKILLS = 20
MAX_LEN = 40
HIDDEN = 48
BATCH_SIZE = 16
EPOCHS = 2

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


def simulate_students(n_students, n_skills):
    """Very rough IRT-style simulator: ability grows a bit with practice."""
    logs = []
    difficulty = np.random.normal(0.0, 1.0, size=n_skills)
    for _ in range(n_students):
        n_attempts = random.randint(8, 70)
        ability = np.random.normal(0.0, 1.0)
        skills, correct = [], []
        for _ in range(n_attempts):
            s = random.randrange(n_skills)
            p = 1.0 / (1.0 + np.exp(-(ability - difficulty[s])))
            c = int(random.random() < p)
            ability += 0.05 * c
            skills.append(s)
            correct.append(c)
        logs.append((skills, correct))
    return logs


class InteractionDataset(Dataset):
    def __init__(self, logs, max_len):
        self.items = []
        for skills, correct in logs:
            skills, correct = skills[-max_len:], correct[-max_len:]
            self.items.append((skills, correct))
        self.max_len = max_len

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        skills, correct = self.items[idx]
        n = len(skills)
        skill_t = torch.zeros(self.max_len, dtype=torch.long)
        corr_t = torch.zeros(self.max_len, dtype=torch.long)
        skill_t[:n] = torch.tensor(skills)
        corr_t[:n] = torch.tensor(correct)
        return skill_t, corr_t, n


class DKT(nn.Module):
    def __init__(self, n_skills, hidden):
        super().__init__()
        self.n_skills = n_skills
        self.interaction_emb = nn.Embedding(2 * n_skills + 1, hidden, padding_idx=0)
        self.lstm = nn.LSTM(hidden, hidden, batch_first=True)
        self.dropout = nn.Dropout(0.2)
        self.head = nn.Linear(hidden, n_skills)

    def forward(self, skills, correct, lengths):
        interaction = skills + self.n_skills * correct + 1
        steps = torch.arange(skills.size(1)).unsqueeze(0)
        interaction = interaction.masked_fill(steps >= lengths.unsqueeze(1), 0)
        h, _ = self.lstm(self.interaction_emb(interaction))
        return torch.sigmoid(self.head(self.dropout(h)))


def shift_for_next_step(probs, skills, correct):
    # prediction made after step t is scored against the attempt at t + 1
    return probs[:, :-1], skills[:, 1:], correct[:, 1:]


def masked_bce(probs, next_skill, next_correct, lengths):
    picked = probs.gather(2, next_skill.unsqueeze(-1)).squeeze(-1)
    steps = torch.arange(picked.size(1)).unsqueeze(0)
    valid = steps < (lengths.unsqueeze(1) - 1)
    loss = nn.functional.binary_cross_entropy(picked, next_correct.float(), reduction="none")
    return (loss * valid).sum() / valid.sum()


def collect_predictions(probs, next_skill, next_correct, lengths):
    y_true, y_prob = [], []
    for b in range(probs.size(0)):
        n_steps = int(lengths[b])
        for t in range(n_steps - 1):
            y_prob.append(probs[b, t, next_skill[b, t]].item())
            y_true.append(int(next_correct[b, t]))
    return np.array(y_true), np.array(y_prob)


def accuracy_at_half(y_true, y_prob):
    return float(((y_prob >= 0.5).astype(int) == y_true).mean())


def main():
    logs = simulate_students(200, N_SKILLS)
    split = int(0.8 * len(logs))
    train_ds = InteractionDataset(logs[:split], MAX_LEN)
    val_ds = InteractionDataset(logs[split:], MAX_LEN)
    train_dl = DataLoader(train_ds, batch_size=BATCH_SIZE, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=BATCH_SIZE)

    model = DKT(N_SKILLS, HIDDEN)
    optim = torch.optim.Adam(model.parameters(), lr=3e-3)

    for epoch in range(EPOCHS):
        model.train()
        total = 0.0
        for skills, correct, lengths in train_dl:
            probs = model(skills, correct, lengths)
            probs, next_skill, next_correct = shift_for_next_step(probs, skills, correct)
            loss = masked_bce(probs, next_skill, next_correct, lengths)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch} train loss {total / len(train_dl):.4f}")

        model.eval()
        all_true, all_prob = [], []
        with torch.no_grad():
            for skills, correct, lengths in val_dl:
                probs = model(skills, correct, lengths)
                probs, next_skill, next_correct = shift_for_next_step(probs, skills, correct)
                y_true, y_prob = collect_predictions(probs, next_skill, next_correct, lengths)
                all_true.append(y_true)
                all_prob.append(y_prob)
        acc = accuracy_at_half(np.concatenate(all_true), np.concatenate(all_prob))
        print(f"epoch {epoch} val next-attempt accuracy {acc:.3f}")


if __name__ == "__main__":
    main()
