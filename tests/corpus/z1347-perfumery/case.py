# Train a tiny sentence embedder that scores how alike two fragrance descriptions smell.
# Backbone is a randomly initialised BERT with a word-level vocab built from our own note sheets.
import abc
import logging
import os
import random
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
logger = logging.getLogger("perfumery")
random.seed(5)
torch.manual_seed(5)

# general note-sheet wording the tokenizer vocabulary is seeded from
NOTE_SHEETS = [
    "fresh citrus opening with bergamot and lemon zest",
    "warm woody base with cedar and a soft musk drydown",
    "powdery floral heart of iris and violet leaf",
    "green top notes of galbanum and crushed leaves",
    "sweet gourmand accord of vanilla and tonka bean",
    "smoky leather with a dry woody trail",
]
# house terms we keep as whole tokens instead of letting them fall to [UNK]
GLOSSARY = ["oud", "vetiver", "ambergris", "labdanum", "oakmoss", "chypre", "fougere"]

PAIRS = [
    ("smoky oud with leather and cedar", "dry leather with a smoky oud trail", 0.9),
    ("green vetiver and crushed leaves", "vetiver with galbanum green top notes", 0.8),
    ("vanilla and tonka gourmand", "labdanum and oakmoss chypre base", 0.1),
    ("ambergris musk drydown", "soft musk with salty ambergris", 0.85),
    ("bergamot lemon citrus opening", "classic fougere with oakmoss and lavender", 0.2),
    ("powdery iris and violet leaf", "iris heart with a powdery violet accord", 0.9),
    ("chypre with oakmoss and bergamot", "citrus chypre on a labdanum base", 0.75),
    ("cedar and vetiver woody base", "sweet vanilla gourmand", 0.15),
]


class Vocabulary:
    def __init__(self, specials=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")):
        self.tokens = {}
        self.locked = False
        for s in specials:
            self.add(s)

    def add(self, token):
        if self.locked:
            raise RuntimeError(f"vocabulary is frozen, cannot add {token!r}")
        self.tokens.setdefault(token, len(self.tokens))

    def __len__(self):
        return len(self.tokens)

    def lookup(self, token):
        return self.tokens.get(token, self.tokens["[UNK]"])

    def freeze(self):
        self.locked = True

    def write(self, path):
        with open(path, "w") as fh:
            fh.write("\n".join(sorted(self.tokens, key=self.tokens.get)) + "\n")


class SimilarityDataset(Dataset, abc.ABC):
    score_scale = 1.0

    def __init__(self, rows):
        self.rows = list(rows)


class AccordPairs(SimilarityDataset):
    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        return self.rows[idx]


class Collator:
    """Turns raw (a, b, score) rows into InputExamples for the sentence-transformers loop."""

    def __init__(self, score_scale, lowercase=True):
        self.score_scale = score_scale
        self.lowercase = lowercase

    def __call__(self, rows):
        norm = (lambda t: t.lower()) if self.lowercase else (lambda t: t)
        return [InputExample(texts=[norm(a), norm(b)], label=float(s) / self.score_scale) for a, b, s in rows]


def save_backbone(out_dir, vocab_size):
    config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(out_dir)
    logger.info("saved backbone with %d embeddings to %s", vocab_size, out_dir)


def main():
    workdir = tempfile.mkdtemp(prefix="perfumery-")
    vocab = Vocabulary()
    for line in NOTE_SHEETS:
        for word in line.split():
            vocab.add(word)
    save_backbone(workdir, len(vocab))

    for term in GLOSSARY:
        vocab.add(term)
    vocab.freeze()
    vocab_path = os.path.join(workdir, "vocab.txt")
    vocab.write(vocab_path)
    BertTokenizer(vocab_path).save_pretrained(workdir)

    word_model = models.Transformer(workdir, max_seq_length=32)
    pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    embedder = SentenceTransformer(modules=[word_model, pooling], device="cpu")

    dataset = AccordPairs(PAIRS)
    examples = Collator(score_scale=dataset.score_scale)(dataset)
    loader = DataLoader(examples, batch_size=4, shuffle=True)
    loss = losses.CosineSimilarityLoss(embedder)

    embedder.old_fit(train_objectives=[(loader, loss)], epochs=1, warmup_steps=1, show_progress_bar=False)
    a, b = embedder.encode(["smoky oud", "dry leather with oud"], convert_to_tensor=True, show_progress_bar=False)
    logger.info("cosine(smoky oud, dry leather with oud) = %.3f", torch.cosine_similarity(a, b, dim=0).item())


if __name__ == "__main__":
    main()
