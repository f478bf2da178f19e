"""Match auction-lot blurbs to catalogue raisonne entries for provenance research.

A tiny bi-encoder is trained on known (lot, entry) pairs with sentence-transformers,
then we check how often the right catalogue entry lands in the top-k for held-out lots.
"""
import os
import random
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models, util
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

SUBJECTS = ["harbour", "orchard", "chapel", "mill", "heath", "quay", "estuary", "vicarage", "ferry", "bridge"]
MEDIA = ["oil on canvas", "oil on panel", "watercolour", "gouache"]
SEASONS = ["winter", "spring", "dusk", "morning"]
LOT_WORDS = ["lot", "property", "of", "a", "gentleman", "attributed", "to", "circle", "signed", "framed",
             "provenance", "private", "collection", "view", "the", "at", "with", "figures"]


def build_catalogue(n=40):
    rng = random.Random(5)
    entries = set()
    while len(entries) < n:
        entries.add(f"{rng.choice(SEASONS)} {rng.choice(SUBJECTS)} {rng.choice(MEDIA)} {rng.randint(1880, 1899)}")
    return sorted(entries)


def lot_blurb(entry, rng):
    season, subject, *medium, year = entry.split()
    return (f"lot {rng.randint(10, 99)} {rng.choice(['attributed to', 'circle of', 'signed'])} "
            f"view of the {subject} at {season} {' '.join(medium)} {year} framed")


def tiny_bi_encoder(texts):
    words = sorted({w for t in texts for w in t.split()} | set(LOT_WORDS))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    model_dir = tempfile.mkdtemp()
    vocab_path = os.path.join(model_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tokenizer = BertTokenizer(vocab_path)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    encoder = models.Transformer(model_dir, max_seq_length=32)
    pooling = models.Pooling(encoder.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[encoder, pooling], device="cpu")


def hits_at_k(query_emb, corpus_emb, gold_idx, k=5):
    scores = util.cos_sim(query_emb, corpus_emb)
    top = scores.topk(k, dim=1).indices
    return (top == gold_idx.unsqueeze(1)).any(dim=1).float().mean().item()


def main():
    rng = random.Random(5)
    catalogue = build_catalogue()
    order = list(range(len(catalogue)))
    rng.shuffle(order)
    train_ids, heldout_ids = order[:28], order[28:]

    train_pairs = [InputExample(texts=[lot_blurb(catalogue[i], rng), catalogue[i]]) for i in train_ids]
    heldout_lots = [lot_blurb(catalogue[i], rng) for i in heldout_ids]
    gold = torch.tensor(heldout_ids)

    model = tiny_bi_encoder(catalogue + heldout_lots + [ex.texts[0] for ex in train_pairs])
    loader = DataLoader(train_pairs, shuffle=True, batch_size=7)
    loss = losses.MultipleNegativesRankingLoss(model)
    model.old_fit(train_objectives=[(loader, loss)], epochs=2, warmup_steps=0,
                  optimizer_params={"lr": 1e-3}, show_progress_bar=False)

    catalogue_emb = model.encode(catalogue, convert_to_tensor=True)
    lot_emb = model.encode(heldout_lots, convert_to_tensor=True)
    for k in (1, 5):
        print(f"hits@{k}: {hits_at_k(catalogue_emb, lot_emb, gold, k=k):.3f}")


if __name__ == "__main__":
    main()
