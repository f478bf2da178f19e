"""Deep Knowledge Tracing on an algebra tutor log.

Each student works through a sequence of algebra steps tagged with a skill
(e.g. "combine like terms", "distribute"). We train an LSTM to predict whether
the student gets the *next* step right, then report per-student accuracy.
"""
import random

import torch
import torch.nn as nn
from sklearn.metrics import roc_auc_score

torch.manual_seed(7)
random.seed(7)

SKILLS = [
    "combine_like_terms", "distribute", "isolate_variable", "fraction_ops",
    "exponent_rules", "factor_quadratic", "slope_intercept", "solve_system",
]
N_SKILLS = len(SKILLS)
N_STUDENTS = 40


def simulate_tutor_log(n_students):
    """Fake tutor log: list of (skill_idx, correct) per student, ragged lengths."""
    logs = []
    for _ in range(n_students):
        mastery = [random.random() * 0.5 for _ in range(N_SKILLS)]
        steps = []
        for _ in range(random.randint(12, 45)):
            s = random.randrange(N_SKILLS)
            ok = int(random.random() < 0.3 + mastery[s])
            mastery[s] = min(0.65, mastery[s] + 0.05 * ok + 0.02)
            steps.append((s, ok))
        logs.append(steps)
    return logs


def pad_histories(logs):
    longest = max(len(x) for x in logs)
    skill = torch.zeros(len(logs), longest, dtype=torch.long)
    right = torch.zeros(len(logs), longest, dtype=torch.long)
    n_steps = torch.zeros(len(logs), dtype=torch.long)
    for i, steps in enumerate(logs):
        n_steps[i] = len(steps)
        for t, (s, ok) in enumerate(steps):
            skill[i, t] = s
            right[i, t] = ok
    return skill, right, n_steps


class AlgebraDKT(nn.Module):
    def __init__(self, n_skills, hidden=48):
        super().__init__()
        self.n_skills = n_skills
        # interaction token = skill + n_skills * correct
        self.interaction_emb = nn.Embedding(2 * n_skills, hidden)
        self.lstm = nn.LSTM(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, n_skills)

    def forward(self, skill, right):
        tokens = skill + self.n_skills * right
        h, _ = self.lstm(self.interaction_emb(tokens))
        return self.out(h)  # (B, T, n_skills): logit of mastering each skill after step t


def next_step_logits(model, skill, right):
    logits = model(skill, right)
    # prediction made after step t is scored against the skill of step t+1
    nxt = skill[:, 1:].unsqueeze(-1)
    return logits[:, :-1].gather(-1, nxt).squeeze(-1)  # (B, T-1)


def train(model, skill, right, n_steps, epochs=3):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    bce = nn.BCEWithLogitsLoss(reduction="none")
    T = skill.size(1)
    valid = torch.arange(1, T).unsqueeze(0) < n_steps.unsqueeze(1)
    for ep in range(epochs):
        opt.zero_grad()
        pred = next_step_logits(model, skill, right)
        loss = bce(pred, right[:, 1:].float())
        loss = (loss * valid).sum() / valid.sum()
        loss.backward()
        opt.step()
        if ep % 5 == 0:
            print(f"epoch {ep:2d}  loss {loss.item():.4f}")


@torch.no_grad()
def per_student_report(model, skill, right, n_steps):
    model.eval()
    probs = torch.sigmoid(next_step_logits(model, skill, right))
    targets = right[:, 1:]
    all_p, all_y, accs = [], [], []
    for i in range(skill.size(0)):
        hits = 0
        steps_i = int(n_steps[i]) - 1  # the first step has no prediction
        for t in range(steps_i):
            p = probs[i, t].item()
            y = targets[i, t].item()
            all_p.append(p)
            all_y.append(y)
            hits += int((p > 0.5) == bool(y))
        accs.append(hits / max(steps_i, 1))
    return roc_auc_score(all_y, all_p), accs


def main():
    logs = simulate_tutor_log(N_STUDENTS)
    train_logs, test_logs = logs[:30], logs[30:]

    skill_tr, right_tr, n_tr = pad_histories(train_logs)
    skill_te, right_te, n_te = pad_histories(test_logs)
    print(f"train histories {tuple(skill_tr.shape)}, test histories {tuple(skill_te.shape)}")

    model = AlgebraDKT(N_SKILLS)
    train(model, skill_tr, right_tr, n_tr)

    auc, accs = per_student_report(model, skill_te, right_te, n_te)
    print(f"test AUC {auc:.3f}")
    for sid, acc in enumerate(accs):
        print(f"  student {sid:2d}: next-step accuracy {acc:.2f}")


if __name__ == "__main__":
    main()
