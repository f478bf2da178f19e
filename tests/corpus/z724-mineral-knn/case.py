"""Mineral collection: match field descriptions to reference specimens.

A tiny BERT sentence encoder (sentence-transformers) is tuned on
(field note, reference card) pairs, then evaluated as a k-NN classifier:
each field note gets the crystal system voted by its nearest reference cards.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models, util
from transformers import BertConfig, BertModel, BertTokenizer

SYSTEMS = ["cubic", "hexagonal", "monoclinic", "orthorhombic"]

# reference cards from the catalogue (the "gallery")
REFERENCE = [
    ("pyrite brassy cubes striated faces metallic", "cubic"),
    ("halite colourless cubes salty taste cleavage", "cubic"),
    ("beryl green hexagonal prism vitreous", "hexagonal"),
    ("apatite six sided prism greenish vitreous", "hexagonal"),
    ("gypsum soft clear blades swallowtail twin", "monoclinic"),
    ("orthoclase pink blocky feldspar two cleavages", "monoclinic"),
    ("barite heavy tabular white crystals", "orthorhombic"),
    ("topaz hard prismatic golden crystal", "orthorhombic"),
]

# field notes written by volunteers (the "queries")
FIELD_NOTES = [
    ("brassy metallic cubes with striations", "cubic"),
    ("clear salty cubes perfect cleavage", "cubic"),
    ("fluorite purple cubes glassy", "cubic"),
    ("green six sided prism glassy", "hexagonal"),
    ("hexagonal greenish prism vitreous lustre", "hexagonal"),
    ("quartz clear six sided prism", "hexagonal"),
    ("soft clear blades scratched by fingernail", "monoclinic"),
    ("pink blocky feldspar crystal", "monoclinic"),
    ("swallowtail twin soft gypsum", "monoclinic"),
    ("very heavy white tabular crystal", "orthorhombic"),
    ("golden prismatic hard crystal", "orthorhombic"),
    ("olivine green granular heavy", "orthorhombic"),
]


def seed_everything(seed=7):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def build_tiny_encoder(folder):
    words = sorted({w for t, _ in REFERENCE + FIELD_NOTES for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    word = models.Transformer(folder, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def make_pairs():
    by_system = {}
    for text, system in REFERENCE:
        by_system.setdefault(system, []).append(text)
    pairs = []
    for note, system in FIELD_NOTES:
        for card in by_system[system]:
            pairs.append(InputExample(texts=[note, card]))
    return pairs


def knn_predict(index_emb, probe_emb, index_labels, k=3):
    """Majority vote of the k nearest index items for every probe."""
    results = util.semantic_search(index_emb, probe_emb, top_k=k)
    neighbour_ids = torch.tensor([[hit["corpus_id"] for hit in hits] for hits in results])
    neighbour_labels = index_labels[neighbour_ids]
    return torch.mode(neighbour_labels, dim=1).values


def main():
    seed_everything()
    folder = tempfile.mkdtemp(prefix="minerals_")
    encoder = build_tiny_encoder(folder)

    pairs = make_pairs()
    loader = DataLoader(pairs, shuffle=True, batch_size=6)
    print(f"tuning on {len(pairs)} note/card pairs")
    encoder.old_fit(train_objectives=[(loader, losses.MultipleNegativesRankingLoss(encoder))],
                    epochs=2, warmup_steps=1, show_progress_bar=False)

    sys_id = {s: i for i, s in enumerate(SYSTEMS)}
    gallery_emb = encoder.encode([t for t, _ in REFERENCE], convert_to_tensor=True)
    query_emb = encoder.encode([t for t, _ in FIELD_NOTES], convert_to_tensor=True)
    gallery_y = torch.tensor([sys_id[s] for _, s in REFERENCE])
    query_y = torch.tensor([sys_id[s] for _, s in FIELD_NOTES])
    print("gallery", tuple(gallery_emb.shape), "queries", tuple(query_emb.shape))

    for k in (1, 3):
        pred = knn_predict(gallery_emb, query_emb, gallery_y, k=k)
        acc = (pred == query_y).float().mean().item()
        print(f"k={k}: accuracy {acc:.3f}")
        for system in SYSTEMS:
            sel = query_y == sys_id[system]
            print(f"   {system:<13} {(pred[sel] == query_y[sel]).float().mean().item():.2f}")


if __name__ == "__main__":
    main()
