"""Bi-encoder matching herbarium sheet labels to taxon descriptions; reports nDCG over candidate lists."""
import logging
import random
import re
import tempfile
import types

import torch
import yaml
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("herb")

SETTINGS = """
defaults: &base
  seed: 11
  max_seq_length: 32
model:
  <<: *base
  hidden: 32
  layers: 1
  heads: 2
  pooling: mean
  save_dir: ${paths.work}/herb-encoder
data:
  <<: *base
  candidates_per_query: &n_cand 4
train:
  <<: *base
  batch_size: 4
  epochs: 1
  mine_top_k: &mine_k 6
  margin: 0.5
eval:
  top_k: *mine_k
  batch_size: 8
"""

DESCRIPTIONS = [
    "quercus robur oak lobed leaves acorn on long stalk lowland woods",
    "quercus petraea sessile oak acorn without stalk upland woods",
    "fagus sylvatica beech smooth grey bark oval leaves nut in husk",
    "betula pendula silver birch white bark drooping twigs catkins",
    "salix caprea goat willow broad leaves silver catkins damp ground",
    "alnus glutinosa alder cones on stream banks rounded leaves",
    "sorbus aucuparia rowan pinnate leaves red berries upland",
    "crataegus monogyna hawthorn thorny hedge lobed leaves red haws",
]
LABELS = [
    ("oak with stalked acorns collected river meadow wood", 0),
    ("acorns sessile on twig hill oakwood", 1),
    ("grey smooth bark tree nuts in spiny husk", 2),
    ("white barked tree with catkins heath edge", 3),
    ("willow silver catkins wet ditch", 4),
    ("small cones stream side tree", 5),
    ("red berries pinnate leaf mountain ash", 6),
    ("thorny hedge shrub haws in autumn", 7),
]


def interpolate(node, root):
    pat = re.compile(r"\$\{(\w+)\.(\w+)\}")
    if isinstance(node, dict):
        return {k: interpolate(v, root) for k, v in node.items()}
    if isinstance(node, list):
        return [interpolate(v, root) for v in node]
    if isinstance(node, str):
        return pat.sub(lambda m: str(root[m.group(1)][m.group(2)]), node)
    return node


def to_ns(node):
    if isinstance(node, dict):
        return types.SimpleNamespace(**{k: to_ns(v) for k, v in node.items()})
    if isinstance(node, list):
        return [to_ns(v) for v in node]
    return node


def load_settings():
    raw = yaml.safe_load(SETTINGS)
    raw["paths"] = {"work": tempfile.mkdtemp(prefix="herb-")}
    return to_ns(interpolate(raw, raw))


def build_encoder(mcfg):
    words = sorted({w for d in DESCRIPTIONS for w in d.split()} | {w for q, _ in LABELS for w in q.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    with open(f"{mcfg.save_dir}.vocab.txt", "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(f"{mcfg.save_dir}.vocab.txt")
    bert = BertModel(BertConfig(vocab_size=len(vocab), hidden_size=mcfg.hidden, num_hidden_layers=mcfg.layers,
                                num_attention_heads=mcfg.heads, intermediate_size=64, max_position_embeddings=64))
    bert.save_pretrained(mcfg.save_dir)
    tok.save_pretrained(mcfg.save_dir)
    word = models.Transformer(mcfg.save_dir, max_seq_length=mcfg.max_seq_length)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode=mcfg.pooling)
    return SentenceTransformer(modules=[word, pool], device="cpu")


def lexical_neighbours(idx, k):
    # cheap hard-negative mining: most word overlap with the gold description
    gold = set(DESCRIPTIONS[idx].split())
    ranked = sorted((j for j in range(len(DESCRIPTIONS)) if j != idx),
                    key=lambda j: -len(gold & set(DESCRIPTIONS[j].split())))
    return ranked[:k]


def candidate_lists(n_cand, rng):
    rows = []
    for query, gold in LABELS:
        others = rng.sample([j for j in range(len(DESCRIPTIONS)) if j != gold], n_cand - 1)
        cands = others + [gold]
        rng.shuffle(cands)
        rows.append((query, cands, [1.0 if c == gold else 0.0 for c in cands]))
    return rows


def ndcg(scores, rel, k):
    order = scores.argsort(dim=1, descending=True)[:, :k]
    gains = rel.gather(1, order)
    disc = 1.0 / torch.log2(torch.arange(k, dtype=torch.float) + 2.0)
    ideal = rel.sort(dim=1, descending=True).values[:, :k]
    return ((gains * disc).sum(1) / (ideal * disc).sum(1)).mean().item()


def main():
    cfg = load_settings()
    torch.manual_seed(cfg.train.seed)
    rng = random.Random(cfg.data.seed)

    model = build_encoder(cfg.model)
    triplets = []
    for query, gold in LABELS:
        for neg in lexical_neighbours(gold, cfg.train.mine_top_k):
            triplets.append(InputExample(texts=[query, DESCRIPTIONS[gold], DESCRIPTIONS[neg]]))
    log.info("training on %d triplets", len(triplets))
    loader = DataLoader(triplets, shuffle=True, batch_size=cfg.train.batch_size)
    loss = losses.TripletLoss(model, triplet_margin=cfg.train.margin)
    model.old_fit(train_objectives=[(loader, loss)], epochs=cfg.train.epochs, warmup_steps=0,
                  show_progress_bar=False)

    rows = candidate_lists(cfg.data.candidates_per_query, rng)
    q_emb = model.encode([r[0] for r in rows], batch_size=cfg.eval.batch_size, convert_to_tensor=True,
                         show_progress_bar=False)
    d_emb = model.encode(DESCRIPTIONS, batch_size=cfg.eval.batch_size, convert_to_tensor=True,
                         show_progress_bar=False)
    cand_idx = torch.tensor([r[1] for r in rows])
    rel = torch.tensor([r[2] for r in rows])
    scores = torch.einsum("qd,qcd->qc", q_emb, d_emb[cand_idx])
    log.info("candidate score matrix %s", tuple(scores.shape))
    print(f"nDCG@{cfg.eval.top_k}: {ndcg(scores, rel, cfg.eval.top_k):.3f}")


if __name__ == "__main__":
    main()
