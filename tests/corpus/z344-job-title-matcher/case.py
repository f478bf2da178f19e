"""Fine-tune a small bi-encoder that scores how well a raw job-posting title
matches a canonical occupation name from our internal taxonomy.

The encoder is a tiny in-house BERT (trained separately, saved to disk); we
bolt a projection layer on top so the embeddings line up with the 128-d
vectors the search index already stores.
"""
import os
import random
import tempfile

import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

CFG = {
    "seed": 13,
    "max_seq_length": 32,
    "encoder_dim": 768,
    "index_dim": 128,
    "batch_size": 8,
    "epochs": 1,
    "lr": 5e-5,
}

OCCUPATIONS = [
    "software developer", "registered nurse", "truck driver", "data analyst",
    "electrician", "pharmacist", "accountant", "welder", "chef", "teacher",
]
NOISE = ["senior", "junior", "lead", "remote", "part time", "night shift", "ii", "iii", "contract"]


def write_vocab(folder):
    words = set()
    for occ in OCCUPATIONS:
        words.update(occ.split())
    for n in NOISE:
        words.update(n.split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


def build_encoder_dir(folder):
    vocab_path = write_vocab(folder)
    tok = BertTokenizer(vocab_path)
    bert_cfg = BertConfig(
        vocab_size=len(tok.vocab), hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
    )
    BertModel(bert_cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def make_pairs(n, rng):
    pairs = []
    for _ in range(n):
        target = rng.choice(OCCUPATIONS)
        if rng.random() < 0.5:
            posting = " ".join(rng.sample(NOISE, 2) + [target])
            score = 1.0
        else:
            other = rng.choice([o for o in OCCUPATIONS if o != target])
            posting = " ".join(rng.sample(NOISE, 2) + [other])
            score = 0.1
        pairs.append(InputExample(texts=[posting, target], label=score))
    return pairs


def build_model(encoder_dir):
    base = SentenceTransformer(encoder_dir, device="cpu")
    base.max_seq_length = CFG["max_seq_length"]
    projection = models.Dense(
        in_features=CFG["encoder_dim"],
        out_features=CFG["index_dim"],
        activation_function=nn.Tanh(),
    )
    return SentenceTransformer(modules=[base[0], base[1], projection], device="cpu")


def main():
    random.seed(CFG["seed"])
    torch.manual_seed(CFG["seed"])
    rng = random.Random(CFG["seed"])

    with tempfile.TemporaryDirectory() as tmp:
        encoder_dir = build_encoder_dir(tmp)
        model = build_model(encoder_dir)

        train_examples = make_pairs(16, rng)
        loader = DataLoader(train_examples, shuffle=True, batch_size=CFG["batch_size"])
        objective = losses.CosineSimilarityLoss(model)

        model.old_fit(
            train_objectives=[(loader, objective)],
            epochs=CFG["epochs"],
            warmup_steps=2,
            optimizer_params={"lr": CFG["lr"]},
            show_progress_bar=False,
        )

        probe = ["senior remote data analyst", "night shift registered nurse"]
        emb = model.encode(probe, convert_to_tensor=True)
        print("embedding shape:", tuple(emb.shape))
        print("similarity:", float(torch.cosine_similarity(emb[0], emb[1], dim=0)))


if __name__ == "__main__":
    main()
