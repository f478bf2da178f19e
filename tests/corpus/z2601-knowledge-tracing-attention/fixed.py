import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

N_SKILLS = 40
MAX_LEN = 50
D_MODEL = 64
N_HEADS = 4
BATCH = 24
EPOCHS = 2

rng = np.random.default_rng(123)


def simulate_students(n_students):
    """Each student answers a stream of quiz items tagged with one skill each."""
    logs = []
    difficulty = rng.normal(0, 1, size=N_SKILLS)
    for sid in range(n_students):
        ability = rng.normal(0, 1)
        n_attempts = int(rng.integers(8, 120))
        skills = rng.integers(0, N_SKILLS, size=n_attempts)
        practice = np.zeros(N_SKILLS)
        correct = []
        for s in skills:
            p = 1 / (1 + np.exp(-(ability - difficulty[s] + 0.3 * practice[s])))
            correct.append(int(rng.random() < p))
            practice[s] += 1
        logs.append({"student_id": sid, "skills": skills.tolist(), "correct": correct})
    return logs


def chunk_student(log, max_len):
    """Split long histories into windows of max_len + 1 so every window has a next item."""
    out = []
    sk, co = log["skills"], log["correct"]
    for start in range(0, len(sk) - 1, max_len):
        s = sk[start:start + max_len + 1]
        c = co[start:start + max_len + 1]
        if len(s) >= 3:
            out.append((s, c))
    return out


class InteractionDataset(Dataset):
    def __init__(self, logs):
        self.windows = [w for log in logs for w in chunk_student(log, MAX_LEN)]

    def __len__(self):
        return len(self.windows)

    def __getitem__(self, i):
        skills, correct = self.windows[i]
        interactions = [s + c * N_SKILLS for s, c in zip(skills[:-1], correct[:-1])]
        return {
            "interaction": interactions,
            "query_skill": skills[1:],
            "target": correct[1:],
        }


def kt_collate(batch):
    L = max(len(b["interaction"]) for b in batch)
    inter, query, target, pad = [], [], [], []
    for b in batch:
        n = len(b["interaction"])
        gap = L - n
        inter.append(b["interaction"] + [0] * gap)
        query.append(b["query_skill"] + [0] * gap)
        target.append(b["target"] + [-1] * gap)
        pad.append([0] * n + [1] * gap)
    return {
        "interaction": torch.tensor(inter),
        "query_skill": torch.tensor(query),
        "target": torch.tensor(target, dtype=torch.float),
        "pad_mask": torch.tensor(pad, dtype=torch.bool),
    }


class SAKT(nn.Module):
    def __init__(self, n_skills, d_model, n_heads, max_len, dropout=0.2):
        super().__init__()
        self.interaction_emb = nn.Embedding(2 * n_skills, d_model)
        self.query_emb = nn.Embedding(n_skills, d_model)
        self.pos_emb = nn.Embedding(max_len, d_model)
        self.attn = nn.MultiheadAttention(d_model, n_heads, dropout=dropout, batch_first=True)
        self.ln1 = nn.LayerNorm(d_model)
        self.ffn = nn.Sequential(nn.Linear(d_model, d_model), nn.ReLU(), nn.Dropout(dropout),
                                 nn.Linear(d_model, d_model))
        self.ln2 = nn.LayerNorm(d_model)
        self.out = nn.Linear(d_model, 1)

    def forward(self, interaction, query_skill, pad_mask):
        T = interaction.size(1)
        pos = torch.arange(T, device=interaction.device).unsqueeze(0)
        keys = self.interaction_emb(interaction) + self.pos_emb(pos)
        q = self.query_emb(query_skill)
        future = torch.triu(torch.ones(T, T, dtype=torch.bool, device=interaction.device), diagonal=1)
        h, _ = self.attn(q, keys, keys, attn_mask=future, key_padding_mask=pad_mask)
        h = self.ln1(h + q)
        h = self.ln2(h + self.ffn(h))
        return self.out(h).squeeze(-1)


def masked_bce(logits, target):
    valid = target >= 0
    return F.binary_cross_entropy_with_logits(logits[valid], target[valid])


def evaluate(model, loader):
    model.eval()
    hits, total = 0, 0
    with torch.no_grad():
        for batch in loader:
            logits = model(batch["interaction"], batch["query_skill"], batch["pad_mask"])
            valid = batch["target"] >= 0
            pred = (logits[valid] > 0).float()
            hits += (pred == batch["target"][valid]).sum().item()
            total += valid.sum().item()
    return hits / max(total, 1)


def main():
    torch.manual_seed(0)
    logs = simulate_students(160)
    train_logs, val_logs = logs[:130], logs[130:]
    train_dl = DataLoader(InteractionDataset(train_logs), batch_size=BATCH, shuffle=True,
                          collate_fn=kt_collate)
    val_dl = DataLoader(InteractionDataset(val_logs), batch_size=BATCH, collate_fn=kt_collate)

    model = SAKT(N_SKILLS, D_MODEL, N_HEADS, MAX_LEN)
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(EPOCHS):
        model.train()
        running = []
        for batch in train_dl:
            logits = model(batch["interaction"], batch["query_skill"], batch["pad_mask"])
            loss = masked_bce(logits, batch["target"])
            optim.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            running.append(loss.item())
        acc = evaluate(model, val_dl)
        print(f"epoch {epoch}  bce {np.mean(running):.4f}  val_acc {acc:.3f}")


if __name__ == "__main__":
    main()
