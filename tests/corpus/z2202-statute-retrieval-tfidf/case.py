import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.feature_extraction.text import TfidfVectorizer

SEED = 2024
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

PROJ_DIM = 64
BATCH = 16
EPOCHS = 3
TEMPERATURE = 0.05
TOP_K = 5

TOPICS = {
    "tenancy": ["landlord", "tenant", "lease", "rent", "eviction", "premises", "deposit"],
    "employment": ["employer", "employee", "dismissal", "wages", "notice", "tribunal", "contract"],
    "consumer": ["consumer", "goods", "refund", "trader", "defect", "warranty", "sale"],
    "data": ["personal", "data", "controller", "processing", "consent", "subject", "erasure"],
    "traffic": ["vehicle", "driver", "licence", "speed", "highway", "penalty", "insurance"],
    "family": ["child", "custody", "maintenance", "parent", "divorce", "spouse", "welfare"],
}
BOILER = ["section", "shall", "person", "any", "under", "act", "court", "may", "order",
          "subsection", "provided", "where", "liable", "offence", "pursuant", "thereof"]


def make_statute_sections(n_per_topic):
    sections = []
    for topic, vocab in TOPICS.items():
        for k in range(n_per_topic):
            words = random.choices(vocab, k=random.randint(10, 18)) + random.choices(BOILER, k=14)
            random.shuffle(words)
            sections.append({"sec_id": f"{topic}-s{k + 1}", "topic": topic, "text": " ".join(words)})
    return sections


def make_queries(sections, n_queries):
    queries = []
    for _ in range(n_queries):
        target = random.choice(sections)
        sec_words = target["text"].split()
        q = random.sample(sec_words, 6) + random.choices(TOPICS[target["topic"]], k=3)
        queries.append({"text": "my " + " ".join(q) + " what are my rights", "gold": target["sec_id"]})
    return queries


def fit_features(sections, queries):
    vec = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1)
    vec.fit([s["text"] for s in sections] + [q["text"] for q in queries])
    sec_x = vec.transform([s["text"] for s in sections]).toarray()
    qry_x = vec.transform([q["text"] for q in queries]).toarray()
    return vec, sec_x, qry_x


def build_encoder(in_dim, proj_dim):
    return nn.Sequential(
        nn.Dropout(0.1),
        nn.Linear(in_dim, 256),
        nn.ReLU(),
        nn.Linear(256, proj_dim),
    )


def embed(encoder, x):
    return F.normalize(encoder(x), dim=-1)


def info_nce(q_emb, s_emb, temperature):
    scores = q_emb @ s_emb.T / temperature
    targets = torch.arange(scores.size(0))
    return F.cross_entropy(scores, targets)


def main():
    sections = make_statute_sections(n_per_topic=20)
    queries = make_queries(sections, n_queries=300)
    sec_index = {s["sec_id"]: i for i, s in enumerate(sections)}

    vec, sec_x, qry_x = fit_features(sections, queries)
    print(f"{len(sections)} sections, {len(queries)} queries, tf-idf dim {sec_x.shape[1]}")

    sec_t = torch.from_numpy(sec_x)
    qry_t = torch.from_numpy(qry_x)
    gold_idx = torch.tensor([sec_index[q["gold"]] for q in queries])

    n_train = 240
    train_q, train_gold = qry_t[:n_train], gold_idx[:n_train]
    dev_q, dev_gold = qry_t[n_train:], gold_idx[n_train:]

    query_enc = build_encoder(sec_x.shape[1], PROJ_DIM)
    statute_enc = build_encoder(sec_x.shape[1], PROJ_DIM)
    params = list(query_enc.parameters()) + list(statute_enc.parameters())
    optim = torch.optim.Adam(params, lr=1e-3, weight_decay=1e-5)

    for epoch in range(EPOCHS):
        query_enc.train()
        statute_enc.train()
        perm = torch.randperm(n_train)
        epoch_loss = 0.0
        for start in range(0, n_train, BATCH):
            idx = perm[start:start + BATCH]
            q_emb = embed(query_enc, train_q[idx])
            s_emb = embed(statute_enc, sec_t[train_gold[idx]])
            loss = info_nce(q_emb, s_emb, TEMPERATURE)
            optim.zero_grad()
            loss.backward()
            optim.step()
            epoch_loss += loss.item()
        print(f"epoch {epoch}: loss {epoch_loss / (n_train // BATCH):.4f}")

    statute_enc.eval()
    with torch.no_grad():
        sec_emb = embed(statute_enc, sec_t)
    query_enc.eval()
    with torch.no_grad():
        scores = embed(query_enc, dev_q) @ sec_emb.T
    top = scores.topk(TOP_K, dim=-1).indices
    r_at_k = (top == dev_gold.unsqueeze(1)).any(dim=1).float().mean().item()
    print(f"dev recall@{TOP_K}: {r_at_k:.3f}")


if __name__ == "__main__":
    main()
