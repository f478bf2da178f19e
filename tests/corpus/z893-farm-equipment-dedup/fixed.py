"""Near-duplicate screening for a used farm-machinery marketplace.

The catalog of live listings is clustered once (k-means on sentence embeddings)
so that each incoming listing only has to be compared with the catalog members
of its own block instead of the whole catalog. The incoming batch is also
grouped for the moderators' review screen.
"""
import os
import re
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from sentence_transformers import SentenceTransformer, models
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

CATALOG = [
    "john deere 5075e tractor 2016 low hours loader included",
    "massey ferguson 135 vintage tractor runs well new tyres",
    "kuhn disc mower 2.4m good blades ready to work",
    "new holland round baler bale net wrap serviced",
    "kverneland 3 furrow reversible plough",
    "amazone fertiliser spreader 1500 litre hopper",
    "vaderstad rapid seed drill 3m tramline kit",
    "john deere 6130r tractor front linkage 2019",
    "pottinger rotary rake single rotor",
    "claas disco mower conditioner 3m",
    "hardi sprayer 800 litre 12m booms",
    "ifor williams livestock trailer 12ft",
    "fleming bale trailer 20ft hydraulic brakes",
    "kubota compact tractor with mid mower deck",
]

INCOMING = [
    "john deere 5075e tractor 2016 low hours with loader",
    "grain auger 8 inch electric motor",
    "massey ferguson 135 vintage tractor new tyres runs well",
    "hardi sprayer 800 litre with 12m booms",
    "cattle crush with head gate",
    "ifor williams 12ft livestock trailer",
    "post driver tractor mounted",
    "round baler new holland net wrap serviced",
    "flail hedge cutter 5m reach",
    "sheep feed trough galvanised",
]


@dataclass
class DedupSettings:
    catalog_blocks: int = 4
    review_groups: int = 6
    kmeans_iters: int = 20
    duplicate_threshold: float = 0.97


def build_encoder(texts):
    words = sorted({w for t in texts for w in re.findall(r"\w+", t.lower())})
    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    word = models.Transformer(folder, max_seq_length=32)
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def nearest(vecs, centroids):
    return (F.normalize(vecs, dim=-1) @ F.normalize(centroids, dim=-1).T).argmax(-1)


def kmeans(vecs, k, iters):
    g = torch.Generator().manual_seed(0)
    centroids = vecs[torch.randperm(vecs.size(0), generator=g)[:k]].clone()
    for _ in range(iters):
        assign = nearest(vecs, centroids)
        for c in range(k):
            members = vecs[assign == c]
            if len(members):
                centroids[c] = members.mean(0)
    return centroids, nearest(vecs, centroids)


def main():
    cfg = DedupSettings()
    encoder = build_encoder(CATALOG + INCOMING)
    cat_vecs = encoder.encode(CATALOG, convert_to_tensor=True, batch_size=8)
    new_vecs = encoder.encode(INCOMING, convert_to_tensor=True, batch_size=8)
    print(f"catalog {tuple(cat_vecs.shape)}, incoming {tuple(new_vecs.shape)}")

    catalog_centroids, cat_clusters = kmeans(cat_vecs, cfg.catalog_blocks, cfg.kmeans_iters)
    print("catalog block sizes:", torch.bincount(cat_clusters, minlength=cfg.catalog_blocks).tolist())

    # grouping for the moderators' queue
    _, new_clusters = kmeans(new_vecs, cfg.review_groups, cfg.kmeans_iters)
    for g in range(cfg.review_groups):
        titles = [INCOMING[i] for i in (new_clusters == g).nonzero().flatten().tolist()]
        print(f"review group {g}: {titles}")

    # drop listings that sit far from their block's centre: nothing similar in the catalog
    new_blocks = nearest(new_vecs, catalog_centroids)
    anchors = F.embedding(new_blocks, catalog_centroids)
    closeness = F.cosine_similarity(new_vecs, anchors)
    candidates = (closeness > 0.5).nonzero().flatten().tolist()

    flagged = []
    for i in candidates:
        block = new_blocks[i].item()
        members = (cat_clusters == block).nonzero().flatten()
        sims = F.cosine_similarity(new_vecs[i].unsqueeze(0), cat_vecs[members])
        best = sims.argmax().item()
        if sims[best] >= cfg.duplicate_threshold:
            flagged.append((INCOMING[i], CATALOG[members[best]], round(sims[best].item(), 3)))

    print(f"{len(flagged)} possible duplicates out of {len(INCOMING)} incoming listings")
    for new, old, score in flagged:
        print(f"  {score}  {new!r}  ~  {old!r}")


if __name__ == "__main__":
    main()
