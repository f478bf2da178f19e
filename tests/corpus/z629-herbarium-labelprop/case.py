"""Habitat tagging for digitised herbarium sheets.

Only part of the sheets have a curator-assigned habitat. We embed every label note with
a small BERT encoder, connect similar notes in a kNN graph and spread the known habitats
to the untagged sheets (Zhou et al. style label spreading).
"""
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

HABITATS = ["wetland", "alpine", "coastal"]

SHEETS = [
    ("Collected at margin of peat bog among sphagnum, standing water", "wetland"),
    ("Scree slope above tree line, north facing, 2400 m", "alpine"),
    ("Sand dunes behind the beach, salt spray zone", "coastal"),
    ("Reed bed at edge of lake, waterlogged soil", "wetland"),
    ("Rocky ridge near summit cairn, thin soil, frequent frost", "alpine"),
    ("Shingle bank above high tide mark", "coastal"),
    ("Wet meadow with sedges, flooded in spring", "wetland"),
    ("Alpine pasture with snow patches until July", "alpine"),
    ("Cliff ledge exposed to sea wind and spray", "coastal"),
    ("Fen carr under alder, water table at surface", "wetland"),
    ("Moraine near glacier snout, sparse cushion plants", "alpine"),
    ("Salt marsh creek edge, tidal mud", "coastal"),
    ("Ditch bank in marshy ground beside lake", "wetland"),
    ("Summit plateau, wind clipped heath, 2600 m", "alpine"),
    ("Bog pool margin with cotton grass", None),
    ("Dune slack behind beach, damp sand", None),
    ("High col between peaks, late snow bed", None),
    ("Sea cliff top, salt spray and thin turf", None),
    ("Lake shore among reeds, waterlogged peat", None),
    ("Frost heaved scree below summit ridge", None),
]


@dataclass
class SpreadConfig:
    k: int = 4
    alpha: float = 0.85
    iters: int = 30


def build_tokenizer(notes):
    words = sorted({w.strip(",.").lower() for n in notes for w in n.split()} | {",", "."})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


@torch.no_grad()
def embed(notes, tokenizer, encoder):
    enc = tokenizer(notes, padding=True, return_tensors="pt")
    hidden = encoder(**enc).last_hidden_state
    weights = enc["attention_mask"].unsqueeze(-1).float()
    pooled = (hidden * weights).sum(1) / weights.sum(1)
    return F.normalize(pooled, dim=-1)


def knn_affinity(vectors, k):
    sim = vectors @ vectors.T
    sim.fill_diagonal_(-1.0)
    top = sim.topk(k, dim=1)
    W = torch.zeros_like(sim)
    W.scatter_(1, top.indices, top.values.clamp(min=0) + 1e-3)
    W = 0.5 * (W + W.T)
    d = W.sum(1).rsqrt()
    return d[:, None] * W * d[None, :]


def spread(S, seeds, cfg):
    Fm = seeds.clone()
    for _ in range(cfg.iters):
        Fm = cfg.alpha * S @ Fm + (1 - cfg.alpha) * seeds
    return Fm


def main():
    cfg = SpreadConfig()
    notes = [n for n, _ in SHEETS]
    tok = build_tokenizer(notes)
    bert_cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    encoder = BertModel(bert_cfg).eval()

    tagged = [i for i, (_, hab) in enumerate(SHEETS) if hab is not None]
    untagged = [i for i, (_, hab) in enumerate(SHEETS) if hab is None]
    print(f"{len(tagged)} tagged sheets, {len(untagged)} to infer")

    vectors = embed(notes, tok, encoder)
    tagged_ids = torch.tensor(tagged)
    untagged_ids = torch.tensor(untagged)

    S = knn_affinity(vectors[tagged_ids], cfg.k)
    seeds = F.one_hot(torch.tensor([HABITATS.index(SHEETS[i][1]) for i in tagged]), len(HABITATS)).float()
    scores = spread(S, seeds, cfg)

    guess = scores[untagged_ids].argmax(-1)
    for node, h in zip(untagged, guess.tolist()):
        print(f"  sheet {node:2d}: {HABITATS[h]:8s} <- {SHEETS[node][0]}")


if __name__ == "__main__":
    main()
