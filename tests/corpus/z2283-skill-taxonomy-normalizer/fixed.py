import random
import zlib
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


@dataclass
class NormalizerConfig:
    seed: int = 3
    n_buckets: int = 2048
    ngram: int = 3
    max_ngrams: int = 40
    emb_dim: int = 48
    proj_dim: int = 32
    temperature: float = 0.07
    batch_size: int = 32
    epochs: int = 3
    lr: float = 1e-3
    mentions_per_skill: int = 12


CANONICAL_SKILLS = [
    "python programming", "structured query language", "javascript", "react.js",
    "amazon web services", "microsoft excel", "project management", "machine learning",
    "data visualization", "customer relationship management", "kubernetes",
    "continuous integration", "natural language processing", "people management",
    "financial modeling", "search engine optimization",
]

ALIASES = {
    "python programming": ["python", "python3", "py dev"],
    "structured query language": ["sql", "t-sql", "mysql queries"],
    "javascript": ["js", "java script", "ecmascript"],
    "react.js": ["react", "reactjs", "react hooks"],
    "amazon web services": ["aws", "amazon cloud", "ec2 s3"],
    "microsoft excel": ["excel", "ms excel", "spreadsheets"],
    "project management": ["pm", "managing projects", "pmp"],
    "machine learning": ["ml", "machine-learning", "predictive models"],
    "data visualization": ["dataviz", "tableau dashboards", "charts"],
    "customer relationship management": ["crm", "salesforce", "hubspot"],
    "kubernetes": ["k8s", "kube", "container orchestration"],
    "continuous integration": ["ci", "ci/cd", "jenkins pipelines"],
    "natural language processing": ["nlp", "text mining", "language models"],
    "people management": ["team lead", "line management", "managed a team"],
    "financial modeling": ["fin modelling", "dcf models", "forecasting"],
    "search engine optimization": ["seo", "search optimisation", "keyword research"],
}


def hash_ngrams(text, cfg):
    s = f"#{text.lower()}#"
    grams = [s[i:i + cfg.ngram] for i in range(max(1, len(s) - cfg.ngram + 1))]
    ids = [zlib.crc32(g.encode()) % (cfg.n_buckets - 1) + 1 for g in grams][: cfg.max_ngrams]
    return ids + [0] * (cfg.max_ngrams - len(ids))


def noisy(alias, rng):
    a = list(alias)
    if len(a) > 3 and rng.random() < 0.3:
        del a[rng.randrange(len(a))]
    if rng.random() < 0.2:
        a = a + list(rng.choice([" skills", " (advanced)", " exp", ""]))
    return "".join(a)


def build_mentions(cfg):
    rng = random.Random(cfg.seed)
    rows, labels = [], []
    for idx, skill in enumerate(CANONICAL_SKILLS):
        for _ in range(cfg.mentions_per_skill):
            rows.append(hash_ngrams(noisy(rng.choice(ALIASES[skill]), rng), cfg))
            labels.append(idx)
    return torch.tensor(rows), torch.tensor(labels)


class NgramEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bag = nn.EmbeddingBag(cfg.n_buckets, cfg.emb_dim, mode="mean", padding_idx=0)
        self.proj = nn.Sequential(nn.Linear(cfg.emb_dim, cfg.emb_dim), nn.Tanh(),
                                  nn.Linear(cfg.emb_dim, cfg.proj_dim))

    def forward(self, ngram_ids):
        return F.normalize(self.proj(self.bag(ngram_ids)), dim=-1)


class SkillNormalizerTrainer:
    def __init__(self, cfg):
        self.cfg = cfg
        torch.manual_seed(cfg.seed)
        np.random.seed(cfg.seed)
        self.model = NgramEncoder(cfg)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)
        self.taxonomy_ids = torch.tensor([hash_ngrams(s, cfg) for s in CANONICAL_SKILLS])

    def fit(self, mentions, labels):
        loader = DataLoader(TensorDataset(mentions, labels),
                            batch_size=self.cfg.batch_size, shuffle=True)
        self.model.train()
        for epoch in range(self.cfg.epochs):
            losses = []
            for ngram_ids, y in loader:
                taxonomy_emb = self.model(self.taxonomy_ids)
                mention_emb = self.model(ngram_ids)
                logits = mention_emb @ taxonomy_emb.T / self.cfg.temperature
                loss = F.cross_entropy(logits, y)
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                losses.append(loss.item())
            print(f"epoch {epoch} loss {np.mean(losses):.4f} "
                  f"acc {self.accuracy(mentions, labels):.3f}")

    @torch.no_grad()
    def accuracy(self, mentions, labels):
        self.model.eval()
        sims = self.model(mentions) @ self.model(self.taxonomy_ids).T
        self.model.train()
        return (sims.argmax(-1) == labels).float().mean().item()

    @torch.no_grad()
    def normalize(self, raw_skills):
        self.model.eval()
        q = self.model(torch.tensor([hash_ngrams(s, self.cfg) for s in raw_skills]))
        best = (q @ self.model(self.taxonomy_ids).T).argmax(-1)
        return {raw: CANONICAL_SKILLS[i] for raw, i in zip(raw_skills, best.tolist())}


if __name__ == "__main__":
    cfg = NormalizerConfig()
    mentions, labels = build_mentions(cfg)
    trainer = SkillNormalizerTrainer(cfg)
    trainer.fit(mentions, labels)
    print(trainer.normalize(["Py", "k8s cluster ops", "MS-Excel", "SEO audits", "crm tools"]))
