"""Train a sentence encoder to tell how close two goods descriptions sit in the
Harmonized System nomenclature (same chapter, same heading, same subheading).
"""
import bisect
import itertools
import logging
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("hs-pairs")
torch.manual_seed(5)

# fraction of the 6-digit code two items share: chapter, heading, subheading
SIMILARITY_BOUNDARIES = (1 / 3, 2 / 3, 1.0)

GOODS = [
    ("080510", "fresh oranges in crates"),
    ("080510", "sweet oranges fresh loose"),
    ("080521", "fresh mandarins and clementines"),
    ("080610", "fresh table grapes"),
    ("090111", "green coffee beans not roasted"),
    ("090121", "roasted coffee beans not decaffeinated"),
    ("090210", "green tea in packs under three kilograms"),
    ("610910", "cotton t shirts knitted"),
    ("610990", "t shirts of synthetic fibres knitted"),
    ("620342", "mens cotton trousers woven"),
]


def read_records(rows):
    for code, text in rows:
        yield {"code": code, "text": text}


def pair_stream(records):
    for a, b in itertools.combinations(records, 2):
        yield a, b


def code_levels(code, width=2):
    it = iter(code)
    while level := "".join(itertools.islice(it, width)):
        yield level


def shared_fraction(code_a, code_b):
    shared = sum(1 for _ in itertools.takewhile(lambda p: p[0] == p[1],
                                                zip(code_levels(code_a), code_levels(code_b))))
    return shared / 3


def bucket_label(score, boundaries=SIMILARITY_BOUNDARIES):
    return bisect.bisect_right(boundaries, score)


def example_stream(pairs):
    for a, b in pairs:
        score = shared_fraction(a["code"], b["code"])
        yield InputExample(texts=[a["text"], b["text"]], label=bucket_label(score))


def build_encoder(folder):
    words = sorted({w for _, text in GOODS for w in text.split()})
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model_dir = os.path.join(folder, "hs-bert")
    BertModel(cfg).save_pretrained(model_dir)
    tok.save_pretrained(model_dir)

    word = models.Transformer(model_dir, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def main():
    workdir = tempfile.mkdtemp(prefix="hs_")
    encoder = build_encoder(workdir)

    train_examples = list(example_stream(pair_stream(read_records(GOODS))))
    by_label = itertools.groupby(sorted(ex.label for ex in train_examples))
    log.info("pairs per bucket: %s", {k: len(list(g)) for k, g in by_label})

    loader = DataLoader(train_examples, shuffle=True, batch_size=8)
    loss_fn = losses.SoftmaxLoss(model=encoder,
                                 sentence_embedding_dimension=encoder.get_sentence_embedding_dimension(),
                                 num_labels=len(SIMILARITY_BOUNDARIES) + 1)

    encoder.old_fit(train_objectives=[(loader, loss_fn)], epochs=1, warmup_steps=1,
                    show_progress_bar=False)

    probe = encoder.encode(["fresh oranges in crates", "cotton t shirts knitted"], convert_to_tensor=True)
    log.info("probe cosine %.3f", torch.cosine_similarity(probe[0], probe[1], dim=0).item())


if __name__ == "__main__":
    main()
