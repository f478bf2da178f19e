"""Podcast episode search: train a tiny bi-encoder on (listener query, episode blurb)
pairs with in-batch negatives, then index the catalogue and report recall@k / MRR."""
import re
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

PAIRS = [
    ("how do black holes evaporate", "hawking radiation explained with a physicist from cambridge"),
    ("beginner sourdough starter tips", "feeding schedules and flour choices for your first sourdough starter"),
    ("marathon training for over forties", "masters runners talk mileage recovery and injury prevention"),
    ("history of the silk road", "caravans merchants and empires along the ancient silk road"),
    ("how to negotiate a raise", "a career coach on salary negotiation scripts and timing"),
]
# extra catalogue entries that never appear as a positive in training
DISTRACTORS = [
    "a deep dive into medieval castle architecture",
    "jazz standards and the musicians who shaped them",
    "urban beekeeping on apartment rooftops",
]


def tokenize(text):
    return re.findall(r"[a-z]+", text.lower())


class Vocab:
    def __init__(self, texts):
        self.itos = ["<pad>", "<unk>"]
        for t in texts:
            for w in tokenize(t):
                if w not in self.itos:
                    self.itos.append(w)
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode_batch(self, texts):
        ids, offsets = [], []
        for t in texts:
            offsets.append(len(ids))
            ids.extend(self.stoi.get(w, 1) for w in tokenize(t))
        return torch.tensor(ids), torch.tensor(offsets)


class Tower(nn.Module):
    def __init__(self, n_words, dim=48, out=32):
        super().__init__()
        self.bag = nn.EmbeddingBag(n_words, dim, mode="mean", padding_idx=0)
        self.proj = nn.Sequential(nn.Linear(dim, dim), nn.GELU(), nn.Linear(dim, out))

    def forward(self, ids, offsets):
        return F.normalize(self.proj(self.bag(ids, offsets)), dim=-1)


class EpisodeRetriever(nn.Module):
    def __init__(self, n_words):
        super().__init__()
        self.query_tower = Tower(n_words)
        self.episode_tower = Tower(n_words)
        self.log_temp = nn.Parameter(torch.tensor(2.5))

    def info_nce(self, q, e):
        sims = q @ e.T * self.log_temp.exp()
        targets = torch.arange(q.size(0))
        return (F.cross_entropy(sims, targets) + F.cross_entropy(sims.T, targets)) / 2


def train(model, vocab, steps=20):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    queries = [q for q, _ in PAIRS]
    blurbs = [b for _, b in PAIRS]
    for step in range(steps):
        q = model.query_tower(*vocab.encode_batch(queries))
        e = model.episode_tower(*vocab.encode_batch(blurbs))
        loss = model.info_nce(q, e)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 20 == 0:
            print(f"step {step:3d}  loss {loss.item():.4f}")


@torch.no_grad()
def build_index(model, vocab, catalogue):
    return model.episode_tower(*vocab.encode_batch(catalogue))


@torch.no_grad()
def evaluate(sim_matrix, gold, k=3):
    n_rows = sim_matrix.shape[-1]
    hits, rr = 0.0, 0.0
    for row in range(n_rows):
        order = sim_matrix[row].argsort(descending=True)
        rank = (order == gold[row]).nonzero().item() + 1
        hits += float(rank <= k)
        rr += 1.0 / rank
    return hits / n_rows, rr / n_rows


def main():
    catalogue = [b for _, b in PAIRS] + DISTRACTORS
    vocab = Vocab([q for q, _ in PAIRS] + catalogue)
    model = EpisodeRetriever(len(vocab.itos))
    train(model, vocab)

    model.eval()
    episode_index = build_index(model, vocab, catalogue)
    eval_queries = [q for q, _ in PAIRS]
    gold_episode = torch.arange(len(eval_queries))
    with torch.no_grad():
        q_emb = model.query_tower(*vocab.encode_batch(eval_queries))
    sim_matrix = q_emb @ episode_index.T
    print("similarity matrix:", tuple(sim_matrix.shape))

    top_scores, top_ids = sim_matrix.topk(3, dim=-1)
    for q, ids, sc in zip(eval_queries, top_ids.tolist(), top_scores.tolist()):
        print(f"{q!r:40s} -> {ids} {[round(s, 3) for s in sc]}")

    recall, mrr = evaluate(sim_matrix, gold_episode, k=3)
    print(f"recall@3 {recall:.3f}  MRR {mrr:.3f}")


if __name__ == "__main__":
    main()
