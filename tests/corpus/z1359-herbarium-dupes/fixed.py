"""Duplicate-specimen detection for herbarium label transcriptions.

Two sheets of the same gathering often end up in different herbaria with
slightly different transcriptions. We train a tiny bi-encoder on labelled
pairs and sweep pooling mode and whether genus names get their own tokens.
"""
import itertools
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

random.seed(5)
torch.manual_seed(5)

GENERA = ["Quercus", "Rhododendron", "Saxifraga", "Carex", "Juncus", "Sphagnum"]

PAIRS = [
    ("Quercus robur coll. Hendry 412 oak woodland 1931", "Quercus robur Hendry no 412 oakwood 1931", 1.0),
    ("Rhododendron ponticum coll. Ward 88 ravine slope", "Rhododendron ponticum Ward 88 slope in ravine", 1.0),
    ("Saxifraga oppositifolia coll. Baird 17 limestone cliff", "Saxifraga oppositifolia Baird 17 cliff ledge", 1.0),
    ("Carex nigra coll. Ames 230 wet meadow", "Carex nigra Ames 230 meadow wet ground", 1.0),
    ("Juncus effusus coll. Hendry 415 ditch margin", "Juncus effusus Hendry 415 margin of ditch", 1.0),
    ("Sphagnum palustre coll. Baird 19 raised bog", "Sphagnum palustre Baird 19 bog hummock", 1.0),
    ("Quercus robur coll. Hendry 412 oak woodland 1931", "Carex nigra Ames 230 meadow wet ground", 0.0),
    ("Rhododendron ponticum coll. Ward 88 ravine slope", "Sphagnum palustre Baird 19 bog hummock", 0.0),
    ("Saxifraga oppositifolia coll. Baird 17 limestone cliff", "Juncus effusus Hendry 415 margin of ditch", 0.0),
    ("Carex nigra coll. Ames 230 wet meadow", "Quercus robur Hendry no 412 oakwood 1931", 0.0),
]


def save_tiny_backbone(folder):
    """Write a random-weight BERT and its wordpiece vocab to `folder`."""
    words = set()
    for a, b, _ in PAIRS:
        words.update(w.lower() for w in (a + " " + b).split())
    words -= {g.lower() for g in GENERA}
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)


def build_encoder(backbone_dir, pooling, genus_tokens):
    word_model = models.Transformer(backbone_dir, max_seq_length=32)
    if genus_tokens:
        added = word_model.tokenizer.add_tokens([g.lower() for g in GENERA])
        word_model.auto_model.resize_token_embeddings(len(word_model.tokenizer))
        print(f"   added {added} genus tokens -> tokenizer size {len(word_model.tokenizer)}")
    pool = models.Pooling(word_model.get_embedding_dimension(), pooling_mode=pooling)
    return SentenceTransformer(modules=[word_model, pool], device="cpu")


def duplicate_gap(model):
    left = model.encode([a for a, _, _ in PAIRS], convert_to_tensor=True)
    right = model.encode([b for _, b, _ in PAIRS], convert_to_tensor=True)
    sims = torch.nn.functional.cosine_similarity(left, right)
    gold = torch.tensor([s for _, _, s in PAIRS])
    return (sims[gold == 1].mean() - sims[gold == 0].mean()).item()


def main():
    backbone_dir = tempfile.mkdtemp(prefix="herbarium_")
    save_tiny_backbone(backbone_dir)
    train_examples = [InputExample(texts=[a, b], label=s) for a, b, s in PAIRS]

    results = []
    for pooling, genus_tokens in itertools.product(["mean", "cls"], [False, True]):
        print(f">> pooling={pooling} genus_tokens={genus_tokens}")
        model = build_encoder(backbone_dir, pooling, genus_tokens)
        loader = DataLoader(train_examples, batch_size=4, shuffle=True)
        objective = losses.CosineSimilarityLoss(model)
        model.old_fit(train_objectives=[(loader, objective)], epochs=2, warmup_steps=0,
                      optimizer_params={"lr": 1e-3}, show_progress_bar=False)
        results.append({"pooling": pooling, "genus_tokens": genus_tokens,
                        "vocab": len(model.tokenizer), "gap": duplicate_gap(model)})

    print(f"{'pooling':<8}{'genus_tok':>10}{'vocab':>7}{'dup_gap':>9}")
    for r in results:
        print(f"{r['pooling']:<8}{str(r['genus_tokens']):>10}{r['vocab']:>7}{r['gap']:>9.3f}")


if __name__ == "__main__":
    main()
