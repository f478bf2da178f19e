"""Duplicate finder for the spare-parts catalogue (suppliers list the same part 5 different ways).

Tiny bi-encoder trained with cosine loss on labelled pairs.
"""
import os
import random
import tempfile
import warnings
from typing import TypedDict

import numpy as np
import torch
from sentence_transformers import InputExample, SentenceTransformer, losses
from sentence_transformers.sentence_transformer.modules import Dense, Pooling, Transformer
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

warnings.filterwarnings("ignore", category=DeprecationWarning)


class EncoderSettings(TypedDict):
    hidden: int
    proj_dim: int
    max_seq: int
    batch_size: int
    seed: int


SETTINGS: EncoderSettings = {"hidden": 32, "proj_dim": 16, "max_seq": 24, "batch_size": 4, "seed": 21}

# (listing a, listing b, same part?)
PAIRS = [
    ("hex bolt m8 x 40 zinc", "bolt hex m8 40mm zinc plated", 1.0),
    ("bearing 6204 2rs sealed", "6204 rs deep groove bearing", 1.0),
    ("hydraulic hose 1/2 inch 2m", "hose hydraulic half inch two metre", 1.0),
    ("hex bolt m8 x 40 zinc", "hex nut m8 zinc", 0.0),
    ("v belt a42", "timing belt htd 8m", 0.0),
    ("o ring nitrile 20 x 2", "nitrile o ring 20mm 2mm", 1.0),
    ("bearing 6204 2rs sealed", "bearing 6305 open", 0.0),
    ("v belt a42", "a42 classic v belt", 1.0),
    ("hydraulic hose 1/2 inch 2m", "air hose 1/2 inch", 0.0),
    ("o ring nitrile 20 x 2", "", 0.0),  # supplier sent blank description
]


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def save_tiny_backbone(words):
    """Write vocab + random-init BERT to disk so Transformer() can load it like a hub model."""
    model_dir = tempfile.mkdtemp(prefix="parts_bert_")
    vocab_path = os.path.join(model_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(
        vocab_size=len(tok),
        hidden_size=SETTINGS["hidden"],
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=SETTINGS["hidden"] * 2,
        max_position_embeddings=64,
    )
    BertModel(cfg).save_pretrained(model_dir)
    tok.save_pretrained(model_dir)
    return model_dir


def make_everything():
    # TODO: move pair loading to the catalogue service client
    clean_pairs = list(filter(lambda p: p[0].strip() and p[1].strip(), PAIRS))
    words = sorted({w for a, b, _ in clean_pairs for w in (a + " " + b).split()})
    backbone_dir = save_tiny_backbone(words)

    word_module = Transformer(backbone_dir, max_seq_length=SETTINGS["max_seq"])
    pool_module = Pooling(word_module.get_embedding_dimension(), pooling_mode=("mean", "max"))
    proj_module = Dense(
        in_features=pool_module.get_embedding_dimension(),
        out_features=SETTINGS["proj_dim"],
        activation_function=torch.nn.Tanh(),
    )
    model = SentenceTransformer(modules=[word_module, pool_module, proj_module], device="cpu")

    examples = list(map(lambda p: InputExample(texts=[p[0], p[1]], label=p[2]), clean_pairs))
    random.shuffle(examples)
    datasets = (examples[:6], examples[6:])
    # TODO: swap to the new SentenceTransformerTrainer once datasets is in the image
    collator = model.smart_batching_collate
    return model, model.tokenizer, datasets, collator


def cosine_report(model, examples):
    left = model.encode([ex.texts[0] for ex in examples], convert_to_tensor=True)
    right = model.encode([ex.texts[1] for ex in examples], convert_to_tensor=True)
    sims = torch.nn.functional.cosine_similarity(left, right)
    for ex, s in zip(examples, sims.tolist()):
        print(f"  {s:+.3f}  gold={ex.label:.0f}  {ex.texts[0]!r} ~ {ex.texts[1]!r}")


def main():
    seed_all(SETTINGS["seed"])
    model, tokenizer, (train_ex, held_out), collator = make_everything()
    print(f"{len(train_ex)} train pairs, {len(held_out)} held out, vocab={len(tokenizer)}")

    loader = DataLoader(train_ex, batch_size=SETTINGS["batch_size"], shuffle=True, collate_fn=collator)
    objective = losses.CosineSimilarityLoss(model)
    model.old_fit(
        train_objectives=[(loader, objective)],
        epochs=2,
        warmup_steps=1,
        show_progress_bar=False,
    )
    print("held-out similarities:")
    cosine_report(model, held_out)


if __name__ == "__main__":
    main()
