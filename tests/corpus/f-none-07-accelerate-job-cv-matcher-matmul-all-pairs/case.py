"""Score how well a CV summary fits a job posting (binary match labels from recruiters), trained with Accelerate."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

PAIRS = [
    ("senior python backend engineer", "eight years building django services and postgres apis", 1.0),
    ("registered nurse night shifts", "barista with latte art certificate", 0.0),
    ("data analyst sql dashboards", "built tableau dashboards on top of sql warehouses", 1.0),
    ("forklift driver warehouse", "frontend developer react and typescript", 0.0),
    ("accountant month end close", "chartered accountant handling month end close and audits", 1.0),
    ("react frontend developer", "warehouse operative with forklift licence", 0.0),
    ("pastry chef hotel kitchen", "pastry chef with five years in hotel kitchens", 1.0),
    ("machine learning engineer", "registered nurse on a surgical ward", 0.0),
]


class PairScorer(nn.Module):
    def __init__(self, vocab_size, dim=32, temperature=0.5):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.job_proj = nn.Linear(dim, dim)
        self.cv_proj = nn.Linear(dim, dim)
        self.temperature = temperature

    def encode(self, ids, proj):
        mask = (ids != 0).unsqueeze(-1).float()
        pooled = (self.embed(ids) * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return F.normalize(proj(pooled), dim=-1)

    def forward(self, job_ids, cv_ids):
        q = self.encode(job_ids, self.job_proj)
        c = self.encode(cv_ids, self.cv_proj)
        return torch.matmul(q, c.transpose(0, 1)) / self.temperature


def main():
    torch.manual_seed(0)
    accelerator = Accelerator(cpu=True)
    vocab = {"<pad>": 0}
    for job, cv, _ in PAIRS:
        for w in (job + " " + cv).split():
            vocab.setdefault(w, len(vocab))

    def collate(rows):
        to_ids = lambda text: torch.tensor([vocab[w] for w in text.split()])
        jobs = pad_sequence([to_ids(j) for j, _, _ in rows], batch_first=True)
        cvs = pad_sequence([to_ids(c) for _, c, _ in rows], batch_first=True)
        return jobs, cvs, torch.tensor([y for _, _, y in rows])

    model = PairScorer(len(vocab))
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-3)
    loader = DataLoader(PAIRS, batch_size=4, shuffle=True, collate_fn=collate)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    for epoch in range(5):
        for job_ids, cv_ids, match_labels in loader:
            scores = model(job_ids, cv_ids)
            loss = F.binary_cross_entropy_with_logits(scores, match_labels)
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
        accelerator.print(f"epoch {epoch}: bce {loss.item():.4f}")


if __name__ == "__main__":
    main()
