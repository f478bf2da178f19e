"""Homework 7 (solution key): fragrance similarity with sentence embeddings.

Perfume descriptions are written as note pyramids. We mark the three tiers with
tier tokens, build a tiny BERT sentence encoder and fine-tune it on
perfumer-rated similarity pairs (CosineSimilarityLoss).
"""
import os
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

# Part 1: data
PYRAMIDS = {
    "citrus_cologne": ("bergamot lemon", "neroli petitgrain", "white musk"),
    "oud_rose": ("saffron pink pepper", "turkish rose", "oud patchouli"),
    "green_fougere": ("galbanum basil", "lavender geranium", "oakmoss coumarin"),
    "gourmand": ("pear", "praline caramel", "vanilla tonka"),
    "chypre": ("bergamot", "rose jasmine", "oakmoss patchouli"),
    "aquatic": ("sea salt lemon", "lavender", "ambergris white musk"),
}
RATED_PAIRS = [
    ("citrus_cologne", "aquatic", 0.7), ("oud_rose", "chypre", 0.6),
    ("green_fougere", "chypre", 0.5), ("gourmand", "citrus_cologne", 0.1),
    ("oud_rose", "gourmand", 0.3), ("aquatic", "green_fougere", 0.4),
    ("citrus_cologne", "chypre", 0.5), ("gourmand", "green_fougere", 0.2),
]
TIER_TOKENS = ["[TOP]", "[HEART]", "[BASE]"]


def describe(name, x):
    print(f"  {name:<12} {tuple(x.shape)}")


def q1_build_vocab(out_dir):
    words = sorted({w for tiers in PYRAMIDS.values() for t in tiers for w in t.split()})
    with open(os.path.join(out_dir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return os.path.join(out_dir, "vocab.txt"), 5 + len(words)


def q2_render(name):
    top, heart, base = PYRAMIDS[name]
    return " ".join(f"{tag} {notes}" for tag, notes in zip(TIER_TOKENS, (top, heart, base)))


def q3_make_encoder(model_dir):
    word = models.Transformer(model_dir, max_seq_length=32)
    word.tokenizer.add_tokens(TIER_TOKENS, special_tokens=True)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


model_dir = tempfile.mkdtemp()
vocab_path, n_vocab = q1_build_vocab(model_dir)
BertTokenizer(vocab_path).save_pretrained(model_dir)
BertModel(BertConfig(vocab_size=n_vocab, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64)).save_pretrained(model_dir)

train_examples = [InputExample(texts=[q2_render(a), q2_render(b)], label=float(s))
                  for a, b, s in RATED_PAIRS]
print("Part 1:", len(train_examples), "pairs, base vocab", n_vocab)
print("  e.g.", train_examples[0].texts[0])
assert all(len(ex.texts) == 2 for ex in train_examples)

# Part 2: model
encoder = q3_make_encoder(model_dir)
feats = encoder.tokenize([q2_render("chypre")])
describe("input_ids", feats["input_ids"])
describe("attn", feats["attention_mask"])
assert feats["input_ids"].shape == feats["attention_mask"].shape


def q4_finetune(encoder, examples, epochs=2):
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    loss_fn = losses.CosineSimilarityLoss(encoder)
    encoder.old_fit(train_objectives=[(loader, loss_fn)], epochs=epochs,
                    warmup_steps=1, show_progress_bar=False)
    return encoder


def q5_rank(encoder, query):
    names = list(PYRAMIDS)
    emb = encoder.encode([q2_render(n) for n in names], convert_to_tensor=True)
    describe("embeddings", emb)
    assert emb.shape == (len(names), encoder.get_sentence_embedding_dimension())
    q = emb[names.index(query)]
    sims = torch.nn.functional.cosine_similarity(emb, q.unsqueeze(0))
    return sorted(zip(names, sims.tolist()), key=lambda p: -p[1])


encoder = q4_finetune(encoder, train_examples)
for name, sim in q5_rank(encoder, "chypre"):
    print(f"  {name:<15} {sim:.3f}")
