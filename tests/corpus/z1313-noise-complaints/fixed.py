"""Few-shot routing of municipal noise complaints with a sentence-transformers encoder.

Each complaint is scored against a handful of reference reports per category and
routed to the category whose references it is closest to on average.
"""
import os
import random
import tempfile
from collections import defaultdict

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

random.seed(11)
np.random.seed(11)
torch.manual_seed(11)

CATEGORIES = ["construction", "nightlife", "traffic"]

# reference reports curated by the central desk
REFERENCE = [
    {"text": "jackhammer on the site before seven am", "category": "construction"},
    {"text": "concrete mixer running all saturday", "category": "construction"},
    {"text": "crane beeping while reversing all night", "category": "construction"},
    {"text": "bar music thumping past two am", "category": "nightlife"},
    {"text": "crowd shouting outside the club at closing", "category": "nightlife"},
    {"text": "trucks idling at the loading dock", "category": "traffic"},
    {"text": "motorbikes racing down the avenue", "category": "traffic"},
    {"text": "horns honking at the blocked junction", "category": "traffic"},
]
# merged in from the eastside office ticket export
REFERENCE += [
    {"text": "rooftop party with a sound system on a weeknight", "category": "Nightlife"},
]

COMPLAINTS = [
    "drilling next door since six in the morning",
    "loud music from the club until three",
    "buses idling with engines on at the depot",
]


def save_tiny_encoder(texts):
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="noise_enc_")
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def warm_up(encoder, refs):
    # pull same-category references together a little before scoring
    pairs = []
    for a in refs:
        for b in refs:
            if a is b:
                continue
            same = a["category"].lower() == b["category"].lower()
            pairs.append(InputExample(texts=[a["text"], b["text"]], label=1.0 if same else 0.0))
    random.shuffle(pairs)
    loader = DataLoader(pairs[:32], shuffle=True, batch_size=8)
    loss = losses.CosineSimilarityLoss(encoder)
    encoder.old_fit(train_objectives=[(loader, loss)], epochs=1, warmup_steps=0,
                    show_progress_bar=False)


def route(encoder, complaint, refs, ref_vecs):
    query = encoder.encode([complaint], convert_to_tensor=True, normalize_embeddings=True)
    sims = (ref_vecs @ query.T).squeeze(1)

    by_category = defaultdict(list)
    for rec, score in zip(refs, sims.tolist()):
        by_category[rec["category"].lower()].append(score)

    score_table = torch.tensor([by_category[c] for c in CATEGORIES])
    per_category = score_table.mean(dim=1)
    best = int(per_category.argmax())
    return CATEGORIES[best], per_category


def main():
    folder = save_tiny_encoder([r["text"] for r in REFERENCE] + COMPLAINTS)
    word = models.Transformer(folder, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    encoder = SentenceTransformer(modules=[word, pool], device="cpu")

    warm_up(encoder, REFERENCE)
    ref_vecs = encoder.encode([r["text"] for r in REFERENCE], convert_to_tensor=True,
                              normalize_embeddings=True)
    print(f"{len(REFERENCE)} reference reports encoded -> {tuple(ref_vecs.shape)}")

    for complaint in COMPLAINTS:
        label, scores = route(encoder, complaint, REFERENCE, ref_vecs)
        pretty = ", ".join(f"{c}={s:.3f}" for c, s in zip(CATEGORIES, scores.tolist()))
        print(f"[{label:>12}] {complaint}  ({pretty})")


if __name__ == "__main__":
    main()
