"""Fine-tune a tiny bi-encoder for curator queries -> catalogue entries, then
score a held-out set of (query, entry, relevance) judgements.
"""
import functools
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models, util

random.seed(3)
torch.manual_seed(3)


@dataclass
class Judgement:
    query: str
    entry: str
    relevance: float


TRAIN = [
    Judgement("bronze age axe head", "cast bronze axe head with socket , late bronze age , river find", 1.0),
    Judgement("bronze age axe head", "porcelain tea bowl with blue glaze , eighteenth century", 0.0),
    Judgement("roman coin hoard", "hoard of silver roman coins found in a clay pot", 1.0),
    Judgement("roman coin hoard", "woven wool tapestry fragment with hunting scene", 0.0),
    Judgement("medieval pilgrim badge", "lead pilgrim badge showing a saint , medieval", 1.0),
    Judgement("medieval pilgrim badge", "cast bronze axe head with socket , late bronze age , river find", 0.0),
]

HELD_OUT = [
    Judgement("glazed tea bowl", "porcelain tea bowl with blue glaze , eighteenth century", 0.9),
    Judgement("hunting tapestry", "woven wool tapestry fragment with hunting scene", 0.9),
    Judgement("silver coins", "", 0.0),  # entry still awaiting cataloguing
    Judgement("saint badge", "lead pilgrim badge showing a saint , medieval", 0.8),
    Judgement("river find axe", "hoard of silver roman coins found in a clay pot", 0.1),
    Judgement("clay pot", "   ", 0.0),
    Judgement("bronze socket axe", "cast bronze axe head with socket , late bronze age , river find", 0.9),
]


class JudgementSet:
    """Lazy view over judgements; cleaned columns are computed once on first use."""

    def __init__(self, rows):
        self.rows = rows

    @functools.cached_property
    def queries(self):
        return [r.query.strip() for r in self.rows if r.query.strip()]

    @functools.cached_property
    def entries(self):
        return [r.entry.strip() for r in self.rows if r.entry.strip()]

    @functools.cached_property
    def gold(self):
        return torch.tensor([r.relevance for r in self.rows])

    def as_examples(self):
        return [InputExample(texts=[r.query, r.entry], label=r.relevance) for r in self.rows]


def build_encoder(texts):
    words = sorted({w for t in texts for w in t.split()})
    workdir = tempfile.mkdtemp()
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))
    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(workdir)
    tokenizer.save_pretrained(workdir)
    word = models.Transformer(workdir, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def evaluate(model, split):
    q_emb = model.encode(split.queries, convert_to_tensor=True)
    e_emb = model.encode(split.entries, convert_to_tensor=True)
    scores = util.pairwise_cos_sim(q_emb, e_emb)
    err = torch.nn.functional.mse_loss(scores, split.gold)
    ranks_pred = scores.argsort().argsort().float()
    ranks_gold = split.gold.argsort().argsort().float()
    rho = torch.corrcoef(torch.stack([ranks_pred, ranks_gold]))[0, 1]
    return err.item(), rho.item()


def main():
    train, held_out = JudgementSet(TRAIN), JudgementSet(HELD_OUT)
    all_text = [t for r in TRAIN + HELD_OUT for t in (r.query, r.entry)]
    model = build_encoder(all_text)

    loader = DataLoader(train.as_examples(), batch_size=3, shuffle=True)
    model.old_fit(train_objectives=[(loader, losses.CosineSimilarityLoss(model))],
                  epochs=2, warmup_steps=0, show_progress_bar=False)
    print("fine-tuned on", len(TRAIN), "judgements")

    mse, rho = evaluate(model, held_out)
    print(f"held-out: mse={mse:.4f} spearman={rho:.3f}")


if __name__ == "__main__":
    main()
