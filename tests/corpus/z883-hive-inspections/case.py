"""Group apiary inspection notes into themes and flag notes that sit far from
their theme (candidates for a second look by the bee inspector).

Embeddings come from a small sentence-transformers model; clustering is a
plain k-means written in torch, swept over a few k values.
"""
import tempfile

import torch
from sentence_transformers import SentenceTransformer, models
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(5)

NOTES = [
    "queen seen eggs present brood pattern solid",
    "queen cells on bottom bars colony preparing to swarm",
    "capped queen cells swarm likely within days",
    "varroa count high mites on drone brood",
    "varroa mites seen on bees deformed wings",
    "mite drop board shows heavy varroa load",
    "honey super full capped ready for extraction",
    "nectar flow strong supers filling fast",
    "wax moth larvae in stored frames",
    "small hive beetle larvae in honey frames",
    "chalkbrood mummies at entrance",
    "sacbrood cells scattered in brood pattern",
    "colony queenless no eggs laying workers",
    "aggressive bees robbing at entrance",
]
KS = (2, 3, 4, 5, 6)
MIN_CLUSTER_SIZE = 2


def build_encoder():
    folder = tempfile.mkdtemp()
    words = sorted({w for note in NOTES for w in note.split()})
    with open(f"{folder}/vocab.txt", "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(f"{folder}/vocab.txt")
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    word = models.Transformer(folder, max_seq_length=32)
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def kmeans(x, k, iters=25, seed=0):
    gen = torch.Generator().manual_seed(seed)
    centers = x[torch.randperm(x.size(0), generator=gen)[:k]].clone()
    for _ in range(iters):
        assign = torch.cdist(x, centers).argmin(dim=1)
        for c in range(k):
            members = x[assign == c]
            if len(members):
                centers[c] = members.mean(dim=0)
    assign = torch.cdist(x, centers).argmin(dim=1)
    return centers, assign


def cluster_sizes(assign, k):
    return [int((assign == c).sum()) for c in range(k)]


def main():
    encoder = build_encoder()
    emb = encoder.encode(NOTES, convert_to_tensor=True, normalize_embeddings=True)
    print("embeddings:", tuple(emb.shape))

    runs = {}
    for k in KS:
        centers, assign = kmeans(emb, k)
        runs[k] = (centers, assign)
        inertia = (emb - centers[assign]).pow(2).sum().item()
        print(f"k={k}: inertia={inertia:.4f} sizes={cluster_sizes(assign, k)}")

    # largest k where every theme still has a couple of notes
    usable = [k for k in KS if min(cluster_sizes(runs[k][1], k)) >= MIN_CLUSTER_SIZE]
    best_k = max(usable)
    centers = runs[best_k][0]
    print(f"chosen k={best_k}")

    own_center = centers.index_select(0, assign)
    spread = (emb - own_center).norm(dim=1)
    cutoff = spread.mean() + spread.std()
    for theme in range(best_k):
        idx = (assign == theme).nonzero().flatten().tolist()
        print(f"theme {theme}: " + "; ".join(NOTES[i] for i in idx[:3]))
    print("notes for a second look:")
    for i in (spread > cutoff).nonzero().flatten().tolist():
        print(f"  {spread[i]:.3f}  {NOTES[i]}")


if __name__ == "__main__":
    main()
