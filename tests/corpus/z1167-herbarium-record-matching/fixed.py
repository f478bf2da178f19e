"""Bi-encoder that matches short herbarium sheet labels to the full specimen records.

Retrieval experiments share one registry-driven builder; the tiny encoder here is a
stand-in so the pipeline can be exercised offline.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

MODEL_REG, HEAD_REG, COLLATOR_REG = {}, {}, {}


def register_model(name):
    def deco(fn):
        MODEL_REG[name] = fn
        return fn
    return deco


def register_head(name):
    def deco(fn):
        HEAD_REG[name] = fn
        return fn
    return deco


def register_collator(name):
    def deco(fn):
        COLLATOR_REG[name] = fn
        return fn
    return deco


def build(registry, spec, **extra):
    kind = spec["type"]
    if kind not in registry:
        raise KeyError(f"unknown component {kind!r}; have {sorted(registry)}")
    return registry[kind](**spec.get("args", {}), **extra)


CFG = {
    "model": {"type": "tiny_bert_st", "args": {"hidden": 32, "max_seq_length": 64}},
    "head": {"type": "mean_pool", "args": {}},
    "collator": {"type": "label_record_pairs", "args": {}},
    "loss": {"scale": 20.0},
    "train": {"batch_size": 3, "epochs": 1, "warmup": 1},
}

LABELS = [
    "quercus robur collected hedge near river",
    "ranunculus acris damp meadow flowering",
    "betula pendula heath margin fruiting",
    "carex panicea fen edge",
    "orchis mascula limestone woodland flowering",
    "salix cinerea wet carr",
]

HABITAT_NOTES = ("sheet mounted on acid free card with original field label glued lower right "
                 "determination slip attached by later curator specimen in good condition some "
                 "insect damage to lower leaves duplicate sent to exchange herbarium record "
                 "checked against county flora and accession register")


def make_record(label):
    # full record = label + standard curatorial boilerplate + georeference block
    return f"{label} {HABITAT_NOTES} grid reference verified locality {label} {HABITAT_NOTES}"


RECORDS = [make_record(lab) for lab in LABELS]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return d


@register_model("tiny_bert_st")
def tiny_bert_st(hidden=32, max_pos=64, max_seq_length=None):
    save_dir = write_vocab(LABELS + RECORDS)
    tok = BertTokenizer(os.path.join(save_dir, "vocab.txt"))
    cfg = BertConfig(vocab_size=len(tok), hidden_size=hidden, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=hidden * 2,
                     max_position_embeddings=max_pos)
    BertModel(cfg).save_pretrained(save_dir)
    tok.save_pretrained(save_dir)
    return models.Transformer(save_dir, max_seq_length=max_seq_length)


@register_head("mean_pool")
def mean_pool(embedding_dim):
    return models.Pooling(embedding_dim, pooling_mode="mean")


@register_collator("label_record_pairs")
def label_record_pairs(labels, records):
    return [InputExample(texts=[lab, rec]) for lab, rec in zip(labels, records)]


def main():
    random.seed(3)
    torch.manual_seed(3)
    encoder = build(MODEL_REG, CFG["model"])
    pooling = build(HEAD_REG, CFG["head"], embedding_dim=encoder.get_embedding_dimension())
    st = SentenceTransformer(modules=[encoder, pooling], device="cpu")
    print("max_seq_length:", st.max_seq_length)

    pairs = build(COLLATOR_REG, CFG["collator"], labels=LABELS, records=RECORDS)
    random.shuffle(pairs)
    loader = DataLoader(pairs, batch_size=CFG["train"]["batch_size"], shuffle=True)
    loss = losses.MultipleNegativesRankingLoss(st, scale=CFG["loss"]["scale"])

    print(f"fitting on {len(pairs)} label/record pairs")
    st.old_fit(train_objectives=[(loader, loss)], epochs=CFG["train"]["epochs"],
               warmup_steps=CFG["train"]["warmup"], show_progress_bar=False)

    q = st.encode(LABELS[:2], convert_to_tensor=True)
    docs = st.encode(RECORDS, convert_to_tensor=True)
    print("top match per query:", (q @ docs.T).argmax(dim=1).tolist())


if __name__ == "__main__":
    main()
