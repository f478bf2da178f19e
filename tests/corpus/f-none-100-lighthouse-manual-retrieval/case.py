import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

PASSAGES = [
    "Clean the lens prisms weekly with a soft cloth and distilled water.",
    "The rotation clockwork must be wound every four hours during the night watch.",
    "Check the fog signal compressor oil level before each foggy season.",
    "Replace cracked storm panes in the lantern room immediately.",
    "Record the lamp lighting and extinguishing times in the daily log.",
    "Paint the tower exterior every three years to resist salt corrosion.",
]

ADDENDUM = [
    "Test the backup battery for the lamp changer on the first day of each month.",
    "Lubricate the lens pedestal bearings with light oil after cleaning the lens.",
    "Inspect the lightning conductor and earth strap after every storm.",
]


class HashedPassageEncoder(nn.Module):
    def __init__(self, n_buckets=512, dim=48):
        super().__init__()
        self.n_buckets = n_buckets
        self.table = nn.EmbeddingBag(n_buckets, dim, mode="mean")

    def _buckets(self, text):
        words = [w.strip(".,").lower() for w in text.split()]
        return [zlib.crc32(w.encode()) % self.n_buckets for w in words if w]

    def _embed(self, texts):
        flat, offsets = [], []
        for t in texts:
            offsets.append(len(flat))
            flat.extend(self._buckets(t))
        vecs = self.table(torch.tensor(flat), torch.tensor(offsets))
        return F.normalize(vecs, dim=-1)

    @torch.no_grad()
    def embed_passages(self, texts):
        return self._embed(texts)

    @torch.no_grad()
    def embed_query(self, query):
        return self._embed([query])[0]


def keyword_prefilter(query, passages, min_hits=1):
    terms = {w.lower() for w in query.split() if len(w) > 3}
    hits = []
    for i, p in enumerate(passages):
        words = {w.strip(".,").lower() for w in p.split()}
        if len(terms & words) >= min_hits:
            hits.append(i)
    return torch.tensor(hits, dtype=torch.long)


def search(model, query, passages, passage_vecs, k=3):
    cand_idx = keyword_prefilter(query, passages)
    print(f"query {query!r}: {len(cand_idx)} candidates {cand_idx.tolist()}")
    cand_vecs = F.embedding(cand_idx, passage_vecs)
    scores = cand_vecs @ model.embed_query(query)
    order = scores.argsort(descending=True)[:k]
    return [(cand_idx[j].item(), scores[j].item()) for j in order]


def main():
    model = HashedPassageEncoder().eval()
    passages = list(PASSAGES)
    passage_vecs = model.embed_passages(passages)
    print(f"indexed {len(passages)} manual passages -> {tuple(passage_vecs.shape)}")

    passages.extend(ADDENDUM)
    print(f"manual now has {len(passages)} passages after adding the addendum")

    for query in ["how often to clean the lens", "lamp battery test schedule"]:
        for idx, score in search(model, query, passages, passage_vecs):
            print(f"  [{idx}] {score:+.3f}  {passages[idx]}")


if __name__ == "__main__":
    main()
