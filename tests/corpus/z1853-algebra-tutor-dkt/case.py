# DKT with a next-problem readout for an algebra tutor.
# Every log row is (student, problem, knowledge component, first-attempt correct).
import random
from collections import defaultdict

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset
from sklearn.metrics import roc_auc_score

rng = random.Random(11)
torch.manual_seed(11)

N_KC = 30
PROBLEMS_PER_KC = 6
N_PROBLEMS = N_KC * PROBLEMS_PER_KC


def simulate_tutor_log(n_students=80):
    rows = []
    for sid in range(n_students):
        mastery = [rng.random() * 0.5 for _ in range(N_KC)]
        for _ in range(rng.randint(8, 45)):
            kc = rng.randrange(N_KC)
            problem = kc * PROBLEMS_PER_KC + rng.randrange(PROBLEMS_PER_KC)
            correct = int(rng.random() < 0.2 + mastery[kc])
            mastery[kc] = min(0.8, mastery[kc] + 0.05)
            rows.append((sid, problem, kc, correct))
    return rows


class TutorSessions(Dataset):
    def __init__(self, rows):
        per_student = defaultdict(list)
        for sid, problem, kc, correct in rows:
            per_student[sid].append((problem, kc, correct))
        self.students = [v for v in per_student.values() if len(v) > 1]

    def __len__(self):
        return len(self.students)

    def __getitem__(self, i):
        seq = self.students[i]
        problem = torch.tensor([p for p, _, _ in seq])
        kc = torch.tensor([k for _, k, _ in seq])
        correct = torch.tensor([c for _, _, c in seq])
        # interaction id encodes (kc, correct); +1 keeps 0 free for padding
        interaction = kc * 2 + correct + 1
        return interaction[:-1], problem[1:] + 1, correct[1:].float()


def pad_batch(items):
    inter, nxt, tgt = zip(*items)
    lengths = torch.tensor([len(x) for x in inter])
    inter = pad_sequence(inter, batch_first=True, padding_value=0)
    nxt = pad_sequence(nxt, batch_first=True, padding_value=0)
    tgt = pad_sequence(tgt, batch_first=True, padding_value=-1.0)
    return inter, nxt, tgt, lengths


class ProblemAwareDKT(nn.Module):
    def __init__(self, n_kc, n_problems, interaction_dim=48, problem_dim=24, state_dim=64):
        super().__init__()
        self.interaction_emb = nn.Embedding(2 * n_kc + 1, interaction_dim, padding_idx=0)
        self.problem_emb = nn.Embedding(n_problems + 1, problem_dim, padding_idx=0)
        self.rnn = nn.LSTM(interaction_dim, state_dim, batch_first=True)
        self.readout = nn.Sequential(
            nn.Linear(state_dim + interaction_dim, 64),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(64, 1),
        )

    def forward(self, interactions, next_problems):
        knowledge, _ = self.rnn(self.interaction_emb(interactions))
        query = self.problem_emb(next_problems)
        joint = torch.cat([knowledge, query], dim=-1)
        return self.readout(joint).squeeze(-1)


def train(model, loader, epochs=4):
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    bce = nn.BCEWithLogitsLoss()
    for ep in range(epochs):
        model.train()
        running = []
        for inter, nxt, tgt, _ in loader:
            logits = model(inter, nxt)
            valid = tgt >= 0
            loss = bce(logits[valid], tgt[valid])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            running.append(loss.item())
        print(f"epoch {ep + 1} loss {sum(running) / len(running):.4f}")


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    ys, ps = [], []
    for inter, nxt, tgt, _ in loader:
        prob = torch.sigmoid(model(inter, nxt))
        valid = tgt >= 0
        ys.extend(tgt[valid].tolist())
        ps.extend(prob[valid].tolist())
    return roc_auc_score(ys, ps)


if __name__ == "__main__":
    log = simulate_tutor_log()
    split = int(0.8 * 80)
    train_set = TutorSessions([r for r in log if r[0] < split])
    test_set = TutorSessions([r for r in log if r[0] >= split])
    train_loader = DataLoader(train_set, batch_size=16, shuffle=True, collate_fn=pad_batch)
    test_loader = DataLoader(test_set, batch_size=16, collate_fn=pad_batch)

    model = ProblemAwareDKT(N_KC, N_PROBLEMS)
    train(model, train_loader)
    print(f"held-out AUC: {evaluate(model, test_loader):.3f}")
