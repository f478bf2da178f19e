"""Customs classification helper: learn whether a declared product description
fits a tariff heading.  Pair classifier trained with SoftmaxLoss on top of a
small sentence encoder; the second half of the script resumes it on the
latest batch of broker rulings.
"""
import logging
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer
from sentence_transformers.sentence_transformer.losses import SoftmaxLoss
from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

logging.basicConfig(level=logging.WARNING)
log = logging.getLogger("tariff")
log.setLevel(logging.INFO)
random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

RULINGS = [
    ("cotton t-shirts knitted for men", "knitted cotton garments", "match"),
    ("steel bolts with nuts", "fasteners of iron or steel", "match"),
    ("wooden dining chairs", "seats of wood", "match"),
    ("cotton t-shirts knitted for men", "fasteners of iron or steel", "mismatch"),
    ("frozen shrimp peeled", "seats of wood", "mismatch"),
    ("steel bolts with nuts", "knitted cotton garments", "mismatch"),
    ("plastic garden chairs", "seats of wood", "partial"),
    ("frozen shrimp peeled", "crustaceans frozen", "match"),
]
NEW_RULINGS = [
    ("wooden toy chairs for dolls", "seats of wood", "excluded"),
    ("steel screws for wood", "fasteners of iron or steel", "match"),
    ("cotton socks knitted", "knitted cotton garments", "match"),
    ("shrimp flavoured crackers", "crustaceans frozen", "excluded"),
    ("plastic bolts with nuts", "fasteners of iron or steel", "partial"),
    ("frozen shrimp peeled", "knitted cotton garments", "mismatch"),
]


def write_encoder_dir(root, bert_cfg, vocab):
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    BertModel(bert_cfg).save_pretrained(root)
    BertTokenizer(os.path.join(root, "vocab.txt")).save_pretrained(root)
    return root


def build_encoder(model_dir, max_len):
    word = Transformer(model_dir, max_seq_length=max_len)
    pool = Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def to_examples(rows, label_names):
    index = {name: i for i, name in enumerate(label_names)}
    return [InputExample(texts=[a, b], label=index[rel]) for a, b, rel in rows]


def build_objective(encoder, hparams):
    return SoftmaxLoss(encoder, embedding_dimension=encoder.get_embedding_dimension(),
                       num_labels=hparams["num_labels"])


def train(encoder, examples, objective, hparams):
    loader = DataLoader(examples, shuffle=True, batch_size=hparams["batch_size"])
    encoder.old_fit(train_objectives=[(loader, objective)], epochs=hparams["epochs"], warmup_steps=1,
                    optimizer_params={"lr": hparams["lr"]}, show_progress_bar=False)


work = tempfile.mkdtemp(prefix="tariff_")
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(
    {w for a, b, _ in RULINGS + NEW_RULINGS for w in f"{a} {b}".replace("-", " - ").split()})
bert_cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                      intermediate_size=64, max_position_embeddings=64)
relations = sorted({rel for _, _, rel in RULINGS})
hparams = {"num_labels": len(relations), "max_seq_length": 24, "batch_size": 4, "epochs": 2, "lr": 1e-3}

encoder = build_encoder(write_encoder_dir(os.path.join(work, "init"), bert_cfg, vocab), hparams["max_seq_length"])
train(encoder, to_examples(RULINGS, relations), build_objective(encoder, hparams), hparams)

ckpt_file = os.path.join(work, "tariff_pairs.pt")
torch.save({"model": encoder.state_dict(), "config": {"bert": bert_cfg.to_dict(), **hparams},
            "vocab": vocab, "labels": relations, "epoch": hparams["epochs"]}, ckpt_file)
log.info("saved checkpoint with relations %s", relations)
del encoder

# --- resume on the newest rulings ---
ckpt = torch.load(ckpt_file, weights_only=False)
saved = ckpt["config"]
hparams = {**{k: v for k, v in saved.items() if k != "bert"}, "epochs": 1, "lr": 5e-4}
relations = list(ckpt["labels"]) + sorted({rel for _, _, rel in NEW_RULINGS} - set(ckpt["labels"]))
hparams["num_labels"] = len(relations)
log.info("relations after resume: %s", relations)

model_dir = write_encoder_dir(os.path.join(work, "resume"), BertConfig.from_dict(saved["bert"]), ckpt["vocab"])
encoder = build_encoder(model_dir, hparams["max_seq_length"])
res = encoder.load_state_dict(ckpt["model"], strict=False)
log.info("restored encoder from epoch %d (missing=%d)", ckpt["epoch"], len(res.missing_keys))

objective = build_objective(encoder, hparams)
train(encoder, to_examples(NEW_RULINGS, relations), objective, hparams)

probe = encoder.encode(["steel screws for wood", "fasteners of iron or steel"], convert_to_tensor=True)
print("cosine(probe):", torch.nn.functional.cosine_similarity(probe[0], probe[1], dim=0).item())
