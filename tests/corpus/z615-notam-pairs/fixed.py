"""Relate pairs of aviation NOTAMs (supersedes / duplicates / unrelated) with a small sentence encoder."""
import logging
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.WARNING)
log = logging.getLogger("notam")
log.setLevel(logging.INFO)

random.seed(5)
np.random.seed(5)
torch.manual_seed(5)

RELATIONS = {"supersedes": 0, "duplicates": 1, "unrelated": 2}

PAIRS = [
    ("rwy 09/27 closed for resurfacing", "rwy 09/27 reopened resurfacing complete", "supersedes"),
    ("twy b lighting unserviceable", "twy b lighting unserviceable", "duplicates"),
    ("ils rwy 27 unserviceable", "crane erected near apron east", "unrelated"),
    ("vor out of service until further notice", "vor restored to service", "supersedes"),
    ("bird activity reported near threshold", "bird activity reported near threshold rwy 09", "duplicates"),
    ("fuel supply limited jet a1", "twy b lighting restored", "unrelated"),
]

HIDDEN = 48


def build_encoder_dir():
    words = sorted({w for a, b, _ in PAIRS for w in (a + " " + b).split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    out_dir = tempfile.mkdtemp(prefix="notam_bert_")
    vocab_file = os.path.join(out_dir, "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tokenizer = BertTokenizer(vocab_file)
    bert_cfg = BertConfig(vocab_size=len(vocab), hidden_size=HIDDEN, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=96, max_position_embeddings=64)
    BertModel(bert_cfg).save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir, bert_cfg


def make_encoder(model_dir):
    word = models.Transformer(model_dir, max_seq_length=32)
    # mean + max pooling worked better than CLS on the long closure notices
    pool = models.Pooling(word.get_word_embedding_dimension(),
                          pooling_mode_cls_token=False,
                          pooling_mode_mean_tokens=True,
                          pooling_mode_max_tokens=True)
    return SentenceTransformer(modules=[word, pool], device="cpu")


def to_examples(rows):
    for first, second, rel in rows:
        yield InputExample(texts=[first, second], label=RELATIONS[rel])


def main():
    model_dir, bert_cfg = build_encoder_dir()
    encoder = make_encoder(model_dir)
    log.info("encoder ready, %d modules", len(encoder))

    train_examples = list(to_examples(PAIRS))
    loader = DataLoader(train_examples, shuffle=True, batch_size=3)
    relation_loss = losses.SoftmaxLoss(model=encoder,
                                       embedding_dimension=encoder.get_embedding_dimension(),
                                       num_labels=len(RELATIONS))

    encoder.old_fit(train_objectives=[(loader, relation_loss)], epochs=1,
                    warmup_steps=0, show_progress_bar=False)

    probe = encoder.encode(["rwy 09/27 closed for resurfacing"])
    log.info("trained; probe embedding shape %s", probe.shape)


if __name__ == "__main__":
    main()
