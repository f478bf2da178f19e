"""Train a small sentence encoder to match duplicate mineral specimen records.

Two museum catalogues were merged and many specimens were entered twice, with the
descriptions written by different curators. We fit a bi-encoder on hand-checked
pairs (1.0 = same specimen, 0.0 = different) so near-duplicates can be flagged.
"""
import logging
import os
import random
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(message)s")
log = logging.getLogger("mineral_dedup")

ENCODER = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
               intermediate_size=64, max_position_embeddings=32)
MAX_TOKENS = ENCODER["max_position_embeddings"]

CATALOGUE_A = [
    "fluorite cubic purple crystals on matrix with minor galena from weardale county durham "
    "collected in the old heights mine pocket zone with interpenetrant twins and phantom growth "
    "zones visible under strong light accession from the private cabinet of a local mine captain",
    "azurite deep blue prismatic crystals with malachite pseudomorphs from tsumeb namibia "
    "second oxidation zone specimen mounted on a small wooden plinth with the original dealer "
    "label glued underneath and a pencil note about the shaft and level where it was found",
    "quartz smoky sceptre cluster from the swiss alps gotthard massif cleft find with chlorite "
    "inclusions and a damaged termination repaired with glue before acquisition by the museum",
]
CATALOGUE_B = [
    "purple fluorite cubes twinned on matrix with galena weardale durham heights mine pocket "
    "phantoms visible accession from the cabinet of a mine captain",
    "azurite blue prisms with malachite after azurite tsumeb namibia on wooden plinth with dealer label",
    "smoky quartz sceptres gotthard switzerland cleft with chlorite repaired termination",
]


def summary(label, **counts):
    print(f"{label:>10}: " + "  ".join(f"{k}={v}" for k, v in counts.items()))


def build_backbone(folder, texts):
    vocab = sorted({w for t in texts for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    bert = BertModel(BertConfig(vocab_size=len(tok), **ENCODER))
    tok.save_pretrained(folder)
    bert.save_pretrained(folder)
    return len(tok)


def make_pairs():
    pairs = []
    for i, a in enumerate(CATALOGUE_A):
        for j, b in enumerate(CATALOGUE_B):
            pairs.append(InputExample(texts=[a, b], label=1.0 if i == j else 0.0))
    return pairs


def main():
    random.seed(3)
    torch.manual_seed(3)
    folder = tempfile.mkdtemp(prefix="minerals_")

    try:
        assert len(CATALOGUE_A) == len(CATALOGUE_B), "catalogues must be aligned"
        assert all(a.strip() and b.strip() for a, b in zip(CATALOGUE_A, CATALOGUE_B))
        vocab_size = build_backbone(folder, CATALOGUE_A + CATALOGUE_B)
        summary("backbone", vocab=vocab_size, positions=ENCODER["max_position_embeddings"])
    except Exception:
        log.exception("stage backbone failed")
        raise

    try:
        word = models.Transformer(folder, max_seq_length=MAX_TOKENS)
        pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
        encoder = SentenceTransformer(modules=[word, pool], device="cpu")
        summary("encoder", dim=encoder.get_sentence_embedding_dimension(), max_seq=encoder.max_seq_length)
    except Exception:
        log.exception("stage encoder failed")
        raise

    try:
        pairs = make_pairs()
        positives = sum(1 for p in pairs if p.label == 1.0)
        loader = DataLoader(pairs, shuffle=True, batch_size=3)
        objective = losses.CosineSimilarityLoss(encoder)
        summary("pairs", total=len(pairs), positives=positives, batches=len(loader))
        encoder.old_fit(train_objectives=[(loader, objective)], epochs=1, warmup_steps=0,
                        show_progress_bar=False)
    except Exception:
        log.exception("stage fit failed")
        raise

    try:
        emb = encoder.encode(CATALOGUE_A + CATALOGUE_B, convert_to_tensor=True)
        sims = torch.nn.functional.cosine_similarity(emb[:3].unsqueeze(1), emb[3:].unsqueeze(0), dim=-1)
        summary("match", flagged=int((sims.argmax(dim=1) == torch.arange(3)).sum()))
    except Exception:
        log.exception("stage match failed")
        raise


if __name__ == "__main__":
    main()
