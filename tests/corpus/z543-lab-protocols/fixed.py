"""Semantic search over wet-lab protocol steps.

Numbers and units are normalised to placeholder tokens ([TEMP], [TIME], ...) before
encoding, so "heat to 80 C for 2 h" and "heat to 95 C for 30 min" land close together.
Model: tiny BERT -> mean pooling -> Dense projection, trained with old_fit."""
import os
import re
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

random.seed(5)
torch.manual_seed(5)

PLACEHOLDERS = ["[TEMP]", "[TIME]", "[VOL]", "[CONC]", "[SPEED]"]
UNIT_RULES = [
    (r"\b\d+(\.\d+)?\s*c\b", "[TEMP]"),
    (r"\b\d+(\.\d+)?\s*(h|min|s)\b", "[TIME]"),
    (r"\b\d+(\.\d+)?\s*(ml|ul)\b", "[VOL]"),
    (r"\b\d+(\.\d+)?\s*(mm|um|m)\b", "[CONC]"),
    (r"\b\d+(\.\d+)?\s*(rpm|g)\b", "[SPEED]"),
]

PAIRS = [
    ("heat the sample to 80 c for 2 h", "incubate sample at 95 c for 30 min", 0.9),
    ("centrifuge at 4000 rpm for 10 min", "spin down at 12000 g for 5 min", 0.85),
    ("add 50 ml of buffer to the flask", "pipette 200 ul buffer into the tube", 0.8),
    ("dilute stock to 10 mm with water", "prepare a 5 um working solution in water", 0.75),
    ("heat the sample to 80 c for 2 h", "add 50 ml of buffer to the flask", 0.1),
    ("centrifuge at 4000 rpm for 10 min", "dilute stock to 10 mm with water", 0.1),
    ("store plates at 4 c overnight", "keep the plates cold at 8 c", 0.8),
    ("wash cells with 10 ml saline", "rinse pellet in 1 ml saline", 0.85),
    ("store plates at 4 c overnight", "spin down at 12000 g for 5 min", 0.05),
    ("wash cells with 10 ml saline", "incubate sample at 95 c for 30 min", 0.1),
]


def normalise(step):
    step = step.lower()
    for pattern, token in UNIT_RULES:
        step = re.sub(pattern, token, step)
    return step


def build_base_model(folder, corpus):
    words = sorted({w for s in corpus for w in s.split() if not w.startswith("[")})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def build_encoder(model_dir):
    word = models.Transformer(model_dir, max_seq_length=48)
    n_added = word.tokenizer.add_tokens(PLACEHOLDERS, special_tokens=True)
    print(f"registered {n_added} placeholder tokens, tokenizer size {len(word.tokenizer)}")
    word.auto_model.resize_token_embeddings(len(word.tokenizer))
    dim = word.get_embedding_dimension()
    pool = models.Pooling(dim, pooling_mode="mean")
    proj = models.Dense(in_features=dim, out_features=16, activation_function=torch.nn.Tanh())
    return SentenceTransformer(modules=[word, pool, proj], device="cpu")


def main():
    normed = [(normalise(a), normalise(b), s) for a, b, s in PAIRS]
    for a, b, _ in normed[:3]:
        print(f"  {a!r}  <->  {b!r}")

    base_dir = build_base_model(tempfile.mkdtemp(prefix="protocols_"),
                                [x for a, b, _ in normed for x in (a, b)])
    encoder = build_encoder(base_dir)

    train_examples = [InputExample(texts=[a, b], label=float(s)) for a, b, s in normed]
    loader = DataLoader(train_examples, shuffle=True, batch_size=4)
    loss_fn = losses.CosineSimilarityLoss(encoder)

    encoder.old_fit(train_objectives=[(loader, loss_fn)], epochs=2, warmup_steps=1,
                    show_progress_bar=False)

    queries = ["heat to 60 c for 1 h", "centrifuge at 300 g for 2 min"]
    emb = encoder.encode([normalise(q) for q in queries], convert_to_tensor=True)
    print("query embedding shape:", tuple(emb.shape))


if __name__ == "__main__":
    main()
