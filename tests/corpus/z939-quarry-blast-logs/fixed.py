"""Contrastive fine-tuning of a small sentence encoder on quarry blast log notes.

Each training pair is (shot-firer's field note, the engineer's summary of the same shot).
The encoder should map both to nearby vectors so we can search old logs by summary.
"""
import os
import random
import re
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

SEED = 13
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

BLAST_PAIRS = [
    ("bench 4 north face , 38 holes at 89 mm , anfo with emulsion toe load , stemming 2.4 m , "
     "delay 25 ms between rows , flyrock observed near haul road , vibration 6.1 mm/s at monitor b , "
     "muckpile loose , some oversize in the back row , secondary breaking needed on two boulders",
     "north face shot with flyrock near haul road and oversize in back row"),
    ("bench 2 east , 22 holes , wet holes lined , emulsion only , stemming 2.0 m , vibration 3.2 mm/s",
     "wet east bench shot with emulsion and low vibration"),
    ("bench 6 south , 41 holes at 102 mm , misfire in hole 17 , hole re-primed and fired after 30 min "
     "exclusion , overpressure 118 db at monitor a , dust plume drifted toward the village , muckpile "
     "tight in the front rows , excavator reported hard digging for most of the shift",
     "south bench shot with misfire re-fired and dust drift toward village"),
    ("bench 1 west , 18 holes , dry , anfo , stemming 2.2 m , good fragmentation",
     "small dry west shot with good fragmentation"),
    ("bench 4 north face , 30 holes , emulsion toe load , vibration 5.4 mm/s at monitor b , "
     "minor flyrock inside exclusion zone",
     "north face shot with minor flyrock inside the zone"),
    ("bench 3 central , 26 holes , anfo , stemming 2.6 m , overpressure 112 db at monitor a , "
     "muckpile loose",
     "central bench shot with loose muckpile"),
]


class LoggingMixin:
    def __init__(self, *args, tag="blast-log", **kwargs):
        super().__init__(*args, **kwargs)
        self.tag = tag

    def info(self, msg):
        print(f"[{self.tag}] {msg}")


class SizesMixin:
    """Length bookkeeping for text collections, needs self.tokenizer and self.texts()."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

    def token_lengths(self):
        return [len(self.tokenizer.tokenize(t)) for t in self.texts()]

    def longest_sequence(self):
        # +2 for [CLS] and [SEP]
        return max(self.token_lengths()) + 2


class BlastPairs(LoggingMixin, SizesMixin, Dataset):
    def __init__(self, pairs, tokenizer):
        super().__init__(tag="pairs")
        self.pairs = pairs
        self.tokenizer = tokenizer
        self.info(f"{len(pairs)} note/summary pairs")

    def texts(self):
        for note, summary in self.pairs:
            yield note
            yield summary

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, i):
        note, summary = self.pairs[i]
        return InputExample(texts=[note, summary])


def build_vocab(pairs):
    words = set()
    for note, summary in pairs:
        for text in (note, summary):
            words.update(re.findall(r"\w+|[^\w\s]", text.lower()))
    return ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)


def make_tiny_encoder(workdir, vocab):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=40)
    model_dir = os.path.join(workdir, "blast-bert")
    BertModel(cfg).save_pretrained(model_dir)
    tok.save_pretrained(model_dir)
    return model_dir, tok


def main():
    workdir = tempfile.mkdtemp(prefix="blastlogs_")
    vocab = build_vocab(BLAST_PAIRS)
    model_dir, tok = make_tiny_encoder(workdir, vocab)
    print(f"vocab size {len(vocab)}, model saved to {model_dir}")

    train_set = BlastPairs(BLAST_PAIRS, tok)
    seq_len = train_set.longest_sequence()
    train_set.info(f"longest note is {seq_len} tokens incl. specials")

    # the encoder cannot see past its position table; longer notes get truncated
    position_limit = BertConfig.from_pretrained(model_dir).max_position_embeddings
    word_model = models.Transformer(model_dir, max_seq_length=min(seq_len, position_limit))
    pooling = models.Pooling(word_model.get_embedding_dimension(), pooling_mode="mean")
    encoder = SentenceTransformer(modules=[word_model, pooling], device="cpu")

    loader = DataLoader(train_set, batch_size=3, shuffle=True)
    objective = losses.MultipleNegativesRankingLoss(encoder)

    encoder.old_fit(train_objectives=[(loader, objective)], epochs=1, warmup_steps=1,
                    show_progress_bar=False)

    probe = encoder.encode(["north face shot with flyrock", "dry west shot"])
    print("probe embeddings:", probe.shape)


if __name__ == "__main__":
    main()
