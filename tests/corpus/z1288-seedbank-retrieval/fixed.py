"""Retrieval sanity check for the seed-bank accession search.

Fine-tunes a tiny bi-encoder on (query, accession note) pairs and then scores
each query against a pool made of its own accession plus sampled distractors.
Two settings are evaluated: the quick one used in CI and a deeper one.
"""
import os
import random
import tempfile
from dataclasses import asdict, dataclass, field, replace
from typing import List

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

random.seed(7)
torch.manual_seed(7)

ACCESSIONS = [
    "sorghum landrace sudan drought tolerant red grain",
    "pearl millet niger early maturing downy mildew resistant",
    "wild barley jordan saline soil collected 1998",
    "einkorn wheat turkey hulled grain low input",
    "cowpea nigeria striga resistant climbing type",
    "lentil ethiopia small seeded heat tolerant",
    "chickpea india desi type wilt resistant",
    "teff ethiopia white grain lodging tolerant",
    "quinoa bolivia altiplano frost tolerant bitter",
    "finger millet uganda blast resistant brown grain",
    "tepary bean arizona desert heat tolerant",
    "amaranth mexico grain type pale seed",
]
QUERIES = [
    ("drought tolerant sorghum from sudan", 0),
    ("millet resistant to downy mildew", 1),
    ("barley for saline soil", 2),
    ("hulled einkorn wheat", 3),
    ("striga resistant cowpea", 4),
    ("heat tolerant lentil", 5),
    ("wilt resistant chickpea", 6),
    ("frost tolerant quinoa", 8),
]


@dataclass
class RetrievalEval:
    num_distractors: int = 4
    top_k: int = 3
    pool_size: int = field(init=False)
    seed: int = 11
    tags: List[str] = field(default_factory=lambda: ["seedbank", "ci"])

    def __post_init__(self):
        self.pool_size = self.num_distractors + 1


def build_encoder(workdir: str) -> SentenceTransformer:
    words = sorted({w for text in ACCESSIONS + [q for q, _ in QUERIES] for w in text.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(os.path.join(workdir, "vocab.txt"))
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(workdir)
    tok.save_pretrained(workdir)
    word = models.Transformer(workdir, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def make_pools(settings: RetrievalEval):
    rng = random.Random(settings.seed)
    pools = []
    for query, gold in QUERIES:
        others = [i for i in range(len(ACCESSIONS)) if i != gold]
        rng.shuffle(others)
        members = [gold] + others[: settings.pool_size - 1]
        rng.shuffle(members)
        pools.append((query, members, members.index(gold)))
    return pools


def evaluate(encoder: SentenceTransformer, settings: RetrievalEval, name: str):
    pools = make_pools(settings)
    q_emb = encoder.encode([q for q, _, _ in pools], convert_to_tensor=True, normalize_embeddings=True)
    rows = []
    for (query, members, _), qv in zip(pools, q_emb):
        d_emb = encoder.encode([ACCESSIONS[m] for m in members], convert_to_tensor=True,
                               normalize_embeddings=True)
        rows.append(d_emb @ qv)
    scores = torch.stack(rows)
    gold_pos = torch.tensor([g for _, _, g in pools])

    sorted_scores, order = scores.sort(dim=1, descending=True)
    hit = (order[:, : settings.top_k] == gold_pos.unsqueeze(1)).any(dim=1).float()
    gold_scores = scores.gather(1, gold_pos.unsqueeze(1)).squeeze(1)
    # how far the gold accession sits above the cutoff score
    cutoff = sorted_scores[:, settings.top_k - 1]
    margin = (gold_scores - cutoff).mean()
    print(f"[{name}] {asdict(settings)}")
    print(f"[{name}] recall@{settings.top_k}={hit.mean():.3f} margin={margin:.4f}")
    return hit.mean().item()


def main():
    workdir = tempfile.mkdtemp(prefix="seedbank_")
    encoder = build_encoder(workdir)
    pairs = [InputExample(texts=[q, ACCESSIONS[g]]) for q, g in QUERIES]
    loader = DataLoader(pairs, batch_size=4, shuffle=True)
    encoder.old_fit(train_objectives=[(loader, losses.MultipleNegativesRankingLoss(encoder))],
                    epochs=2, warmup_steps=1, show_progress_bar=False)

    quick = RetrievalEval()
    deep = replace(quick, num_distractors=11, top_k=10, tags=["seedbank", "nightly"])
    for name, settings in [("quick", quick), ("deep", deep)]:
        evaluate(encoder, settings, name)


if __name__ == "__main__":
    main()
