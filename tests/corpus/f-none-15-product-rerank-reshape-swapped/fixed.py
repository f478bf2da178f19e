import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB = 300
DIM = 24
N_CANDIDATES = 4
QUERIES_PER_BATCH = 6


class PairScorer(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.EmbeddingBag(VOCAB, DIM, mode="mean")
        self.mlp = nn.Sequential(nn.Linear(3 * DIM, 32), nn.Tanh(), nn.Linear(32, 1))

    def forward(self, query_ids, product_ids):
        q = self.tok(query_ids)
        p = self.tok(product_ids)
        return self.mlp(torch.cat([q, p, q * p], dim=-1))


def expand_queries(query_ids, n_candidates):
    return query_ids.repeat_interleave(n_candidates, dim=0)


def listwise_loss(scorer, query_ids, product_ids, gold_slot):
    flat_queries = expand_queries(query_ids, N_CANDIDATES)
    flat_products = product_ids.reshape(-1, product_ids.size(-1))
    pair_scores = scorer(flat_queries, flat_products)
    slate_scores = pair_scores.reshape(-1, N_CANDIDATES)
    return F.cross_entropy(slate_scores, gold_slot), slate_scores


def sample_batch(gen):
    query_ids = torch.randint(0, VOCAB, (QUERIES_PER_BATCH, 7), generator=gen)
    product_ids = torch.randint(0, VOCAB, (QUERIES_PER_BATCH, N_CANDIDATES, 12), generator=gen)
    gold_slot = torch.randint(0, N_CANDIDATES, (QUERIES_PER_BATCH,), generator=gen)
    return query_ids, product_ids, gold_slot


if __name__ == "__main__":
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(3)
    scorer = PairScorer()
    opt = torch.optim.Adam(scorer.parameters(), lr=5e-3)
    for step in range(4):
        query_ids, product_ids, gold_slot = sample_batch(gen)
        loss, slate_scores = listwise_loss(scorer, query_ids, product_ids, gold_slot)
        opt.zero_grad()
        loss.backward()
        opt.step()
        hit1 = (slate_scores.argmax(-1) == gold_slot).float().mean().item()
        print(f"step {step}: listwise_ce={loss.item():.4f} hit@1={hit1:.2f}")
