"""Prior-art retrieval: fine-tune a small bi-encoder on (claim, description window) pairs.

Patent descriptions are far longer than a claim, so every description is cut into
overlapping word windows; each window is paired with the claim of the same patent and
the encoder is trained with in-batch negatives.  Afterwards, window embeddings are
max-pooled back to one score per patent.
"""
import os
import random
import tempfile
import logging

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample
from sentence_transformers.sentence_transformer import losses
from sentence_transformers.sentence_transformer.modules import Transformer, Pooling

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
log = logging.getLogger("prior_art")

random.seed(7)
torch.manual_seed(7)

MAX_TOKENS = 192          # word-piece budget per description window
WINDOW_STRIDE = 48        # words shared by consecutive windows
BATCH = 4

PATENTS = {
    "US-001": ("a hinge assembly for a folding display panel with a torsion spring",
               "the hinge assembly comprises a first bracket a second bracket and a torsion spring "
               "coupled between the brackets so that the display panel rotates about the hinge axis "),
    "US-002": ("a coolant manifold for a battery pack with parallel flow channels",
               "the coolant manifold distributes fluid through parallel flow channels arranged under "
               "each battery module and a return channel collects the warmed coolant from the pack "),
    "US-003": ("a seed metering disc for a planter with vacuum cells",
               "the metering disc rotates inside a housing where a vacuum holds one seed in each cell "
               "until a scraper releases the seed into the drop tube above the furrow opener "),
    "US-004": ("a brake caliper with a wear sensor embedded in the pad",
               "the caliper carries an inner pad and an outer pad and a wear sensor embedded in the pad "
               "backing plate reports the remaining friction material to the vehicle controller "),
}

VOCAB_WORDS = sorted({w for claim, desc in PATENTS.values() for w in (claim + " " + desc).split()})


def build_checkpoint(root):
    """Stand-in for the in-house domain encoder checkpoint."""
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + VOCAB_WORDS))
    cfg = BertConfig(vocab_size=5 + len(VOCAB_WORDS), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
    BertModel(cfg).save_pretrained(root)
    BertTokenizer(os.path.join(root, "vocab.txt")).save_pretrained(root)
    return root


def word_windows(text, size, stride):
    words = text.split()
    step = size - stride
    out = []
    for start in range(0, max(len(words) - stride, 1), step):
        out.append(" ".join(words[start:start + size]))
    return out


def make_examples(patents, size, stride):
    examples, owner = [], []
    for pid, (claim, desc) in patents.items():
        # descriptions in the real corpus run to thousands of words
        long_desc = desc * 12
        for win in word_windows(long_desc, size, stride):
            examples.append(InputExample(texts=[claim, win]))
            owner.append(pid)
    return examples, owner


def score_patents(model, query, patents, size, stride):
    q = model.encode([query], convert_to_tensor=True, show_progress_bar=False)
    best = {}
    for pid, (_, desc) in patents.items():
        wins = word_windows(desc * 12, size, stride)
        w = model.encode(wins, convert_to_tensor=True, show_progress_bar=False)
        best[pid] = torch.cosine_similarity(q, w).max().item()
    return best


def main():
    ckpt = build_checkpoint(tempfile.mkdtemp())
    encoder = Transformer(ckpt, max_seq_length=MAX_TOKENS)
    pooling = Pooling(encoder.get_embedding_dimension(), pooling_mode="mean")
    model = SentenceTransformer(modules=[encoder, pooling], device="cpu")

    window_words = MAX_TOKENS - 2   # leave room for [CLS] / [SEP]
    train_examples, owners = make_examples(PATENTS, window_words, WINDOW_STRIDE)
    log.info("built %d windows from %d patents", len(train_examples), len(PATENTS))

    loader = DataLoader(train_examples, shuffle=True, batch_size=BATCH)
    loss = losses.MultipleNegativesRankingLoss(model)
    model.old_fit(train_objectives=[(loader, loss)], epochs=1, warmup_steps=2,
                  show_progress_bar=False)

    scores = score_patents(model, "folding display hinge with a spring", PATENTS,
                           window_words, WINDOW_STRIDE)
    for pid, s in sorted(scores.items(), key=lambda kv: -kv[1]):
        print(f"{pid}\t{s:.3f}")


if __name__ == "__main__":
    main()
