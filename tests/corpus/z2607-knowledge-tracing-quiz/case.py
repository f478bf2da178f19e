"""Deep Knowledge Tracing (Piech et al. 2015 style) on synthetic quiz item responses.

Input at step t is the one-hot of (skill_t, correct_t); the model predicts, for every skill,
the probability the student answers the next item on that skill correctly. Loss is taken
only on the skill actually attempted at t+1.
"""
import numpy as np
import torch
import torch.nn as nn

N_SKILLS = 20
N_STUDENTS = 160
SEQ_LEN = 50
HIDDEN = 64
BATCH = 32
EPOCHS = 3
LR = 1e-3

rng = np.random.default_rng(2024)
torch.manual_seed(2024)


def simulate_responses(n_students, n_skills, seq_len):
    """IRT-ish simulation: ability grows with practice on a skill."""
    ability = rng.normal(0.0, 1.0, size=n_students)
    difficulty = rng.normal(0.0, 1.0, size=n_skills)
    skills = np.zeros((n_students, seq_len), dtype=np.int64)
    correct = np.zeros((n_students, seq_len), dtype=np.int64)
    for s in range(n_students):
        practice = np.zeros(n_skills)
        focus = rng.choice(n_skills, size=5, replace=False)
        for t in range(seq_len):
            k = rng.choice(focus) if rng.random() < 0.8 else rng.integers(n_skills)
            p = 1.0 / (1.0 + np.exp(-(ability[s] - difficulty[k] + 0.3 * practice[k])))
            skills[s, t] = k
            correct[s, t] = int(rng.random() < p)
            practice[k] += 1
    return skills, correct


def encode_interactions(skills, correct, n_skills):
    idx = skills + n_skills * correct
    x = torch.zeros(*skills.shape, 2 * n_skills)
    x.scatter_(-1, torch.as_tensor(idx).unsqueeze(-1), 1.0)
    return x


def make_dkt(n_skills, hidden):
    return nn.ModuleDict({
        "rnn": nn.LSTM(2 * n_skills, hidden, batch_first=True),
        "drop": nn.Dropout(0.2),
        "out": nn.Linear(hidden, n_skills),
    })


def dkt_forward(model, x):
    h, _ = model["rnn"](x)
    return model["out"](model["drop"](h))


def next_step_targets(skills, correct):
    """Predictions at t are scored against the attempt at t+1."""
    nxt_skill = torch.as_tensor(skills[:, 1:])
    nxt_correct = torch.as_tensor(correct[:, 1:]).float()
    return nxt_skill, nxt_correct


def dkt_loss(model, x, skills, correct, criterion):
    pred = dkt_forward(model, x)[:, :-1]
    nxt_skill, nxt_correct = next_step_targets(skills, correct)
    pred_next = pred.gather(-1, nxt_skill.unsqueeze(-1)).squeeze(-1)
    return criterion(pred_next, nxt_correct), pred_next, nxt_correct


def auc(scores, labels):
    order = np.argsort(scores)
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    pos = labels == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return (ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / max(n_pos * n_neg, 1)


skills, correct = simulate_responses(N_STUDENTS, N_SKILLS, SEQ_LEN)
perm = rng.permutation(N_STUDENTS)
train_idx, test_idx = perm[:128], perm[128:]
X = encode_interactions(skills, correct, N_SKILLS)

model = make_dkt(N_SKILLS, HIDDEN)
criterion = nn.BCELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=LR)

for epoch in range(EPOCHS):
    model.train()
    rng.shuffle(train_idx)
    epoch_loss = []
    for start in range(0, len(train_idx), BATCH):
        b = train_idx[start:start + BATCH]
        loss, _, _ = dkt_loss(model, X[b], skills[b], correct[b], criterion)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        epoch_loss.append(loss.item())

    model.eval()
    with torch.no_grad():
        _, p, y = dkt_loss(model, X[test_idx], skills[test_idx], correct[test_idx], criterion)
    print(f"epoch {epoch}: train_bce={np.mean(epoch_loss):.4f} test_auc={auc(p.flatten().numpy(), y.flatten().numpy()):.3f}")
