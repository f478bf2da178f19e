"""Match customs goods descriptions to tariff headings with a bi-encoder.

Trains a tiny sentence-transformers model on (description, heading text) pairs
with in-batch negatives, then scores the broker's shortlist of headings:
eval ranking loss plus MRR of the correct heading.
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, util
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(21)

CATALOGUE = [
    "0901 coffee roasted or not roasted", "3923 plastic boxes cases crates containers",
    "4202 trunks suitcases handbags leather", "6403 footwear with leather uppers",
    "8471 automatic data processing machines laptops", "8516 electric kettles heaters hair dryers",
    "8517 telephones smartphones network routers", "9102 wrist watches not precious metal",
    "9503 toys puzzles scale models dolls",
]
TRAIN_PAIRS = [
    ("green coffee beans arabica sacks", 0), ("plastic storage crates stackable", 1),
    ("leather handbag with zip", 2), ("leather ankle boots", 3), ("refurbished laptops 14 inch", 4),
    ("electric kettle 1.7 litre", 5), ("wifi router dual band", 6), ("quartz wrist watch steel", 7),
    ("jigsaw puzzle 1000 pieces", 8), ("smartphone 128 gb", 6),
]
SHORTLIST = [1, 4, 5, 6, 8]  # headings the broker still files under this quarter
QRELS = [
    {"query": "cordless kettle stainless", "heading_id": 5, "shortlist_pos": 2},
    {"query": "wooden toy puzzle for kids", "heading_id": 8, "shortlist_pos": 4},
    {"query": "gaming laptop 16 gb", "heading_id": 4, "shortlist_pos": 1},
    {"query": "mesh wifi router", "heading_id": 6, "shortlist_pos": 3},
    {"query": "plastic crates for produce", "heading_id": 1, "shortlist_pos": 0},
]
DEFAULTS = {"heading_ids": list(range(len(CATALOGUE))), "target_key": "heading_id", "scale": 20.0,
            "epochs": 2, "batch": 5, "hidden": 32}


class Config:
    __slots__ = ("heading_ids", "target_key", "scale", "epochs", "batch", "hidden")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw[k])

    @classmethod
    def from_dict(cls, d):
        return cls(**d)

    @classmethod
    def for_task(cls, task):
        d = dict(DEFAULTS)
        if task == "shortlist":
            d["heading_ids"] = list(SHORTLIST)
            d["target_key"] = "shortlist_pos"
        return cls.from_dict(d)

    @property
    def headings(self):
        return [CATALOGUE[i] for i in self.heading_ids]

    @property
    def num_candidates(self):
        return len(self.heading_ids)


class HeadingMatcher(SentenceTransformer):
    @classmethod
    def from_config(cls, cfg, folder):
        words = sorted({w for t in CATALOGUE + [q for q, _ in TRAIN_PAIRS] + [r["query"] for r in QRELS]
                        for w in t.split()})
        with open(os.path.join(folder, "vocab.txt"), "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
        BertTokenizer(os.path.join(folder, "vocab.txt")).save_pretrained(folder)
        BertModel(BertConfig(vocab_size=len(words) + 5, hidden_size=cfg.hidden, num_hidden_layers=1,
                             num_attention_heads=2, intermediate_size=64,
                             max_position_embeddings=32)).save_pretrained(folder)
        encoder = Transformer(folder, max_seq_length=24)
        return cls(modules=[encoder, Pooling(encoder.get_embedding_dimension(), "mean")], device="cpu")

    @staticmethod
    def ranking_loss(sim, gold, scale):
        return F.cross_entropy(sim * scale, gold)

    @staticmethod
    def reciprocal_rank(sim, gold):
        hit = sim.gather(1, gold.unsqueeze(1))
        return 1.0 / ((sim > hit).sum(1) + 1).float()


def evaluate(model, cfg):
    queries = [r["query"] for r in QRELS]
    q = model.encode(queries, convert_to_tensor=True)
    h = model.encode(cfg.headings, convert_to_tensor=True)
    sim = util.cos_sim(q, h)
    gold = torch.tensor([r[cfg.target_key] for r in QRELS])
    print(f"scoring {len(queries)} descriptions against {cfg.num_candidates} headings")
    loss = HeadingMatcher.ranking_loss(sim, gold, cfg.scale)
    mrr = HeadingMatcher.reciprocal_rank(sim, gold).mean()
    return loss.item(), mrr.item()


if __name__ == "__main__":
    train_cfg = Config.for_task("catalogue")
    model = HeadingMatcher.from_config(train_cfg, tempfile.mkdtemp())
    examples = [InputExample(texts=[q, CATALOGUE[i]]) for q, i in TRAIN_PAIRS]
    loader = DataLoader(examples, batch_size=train_cfg.batch, shuffle=True)
    model.old_fit(train_objectives=[(loader, losses.MultipleNegativesRankingLoss(model))],
                  epochs=train_cfg.epochs, warmup_steps=1, show_progress_bar=False)
    print("catalogue eval: loss %.4f  mrr %.3f" % evaluate(model, train_cfg))
    print("shortlist eval: loss %.4f  mrr %.3f" % evaluate(model, Config.for_task("shortlist")))
