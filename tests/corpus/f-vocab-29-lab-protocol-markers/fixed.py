"""Lab protocol step retrieval with a tiny bi-encoder."""
import os
import random
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "add", "buffer", "mix", "spin", "incubate", "at", "37",
         "degrees", "for", "ten", "minutes", "the", "sample", "wash", "pellet", "twice", "with", "ethanol",
         "dry", "resuspend", "in", "water", "load", "gel", "run"]


def build_encoder(workdir):
    vocab = os.path.join(workdir, "vocab.txt")
    with open(vocab, "w") as fh:
        fh.write("\n".join(WORDS) + "\n")
    cfg = BertConfig(vocab_size=len(WORDS), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    mdir = os.path.join(workdir, "bert")
    BertModel(cfg).save_pretrained(mdir)
    BertTokenizer(vocab).save_pretrained(mdir)
    word = models.Transformer(mdir, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def register_markers(encoder):
    tok = encoder.tokenizer
    n = tok.add_special_tokens({"additional_special_tokens": ["[STEP]", "[REAGENT]"]})
    encoder[0].model.resize_token_embeddings(len(tok))
    print(f"registered {n} protocol markers")
    return n


PAIRS = [
    ("[STEP] add buffer", "mix the sample"),
    ("[STEP] spin the sample", "wash pellet twice"),
    ("[REAGENT] ethanol wash", "dry pellet"),
    ("[STEP] resuspend in water", "load gel"),
]


def main():
    workdir = tempfile.mkdtemp()
    encoder = build_encoder(workdir)
    register_markers(encoder)
    examples = [InputExample(texts=[a, b]) for a, b in PAIRS]
    loader = DataLoader(examples, batch_size=2, shuffle=True)
    loss = losses.MultipleNegativesRankingLoss(encoder)
    encoder.old_fit(train_objectives=[(loader, loss)], epochs=1, show_progress_bar=False)
    print("done")


if __name__ == "__main__":
    main()
