# Embed driller's borehole log descriptions so that similar strata can be matched across
# sites. Tiny encoder from scratch (no hub access on the rig laptop), built from a layer spec.
import logging
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses
from sentence_transformers.sentence_transformer.modules import Dense, Pooling, Transformer
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.WARNING)
random.seed(5)
torch.manual_seed(5)

ARCH = [
    {"type": "embed", "dim": 32},
    {"type": "encoder", "layers": 1, "heads": 2},
    {"type": "pool", "mode": "mean"},
    {"type": "linear", "out": 16},
]
DATA = {"max_seq_length": 128, "batch_size": 2, "epochs": 1}

CLAY = ("stiff grey clay with occasional gravel and shell fragments becoming softer with depth "
        "moist plastic high strength some organic staining near the base of the unit")
SAND = ("medium dense brown fine to medium sand with thin silt bands wet below water strike "
        "rounded quartz grains some mica flakes loose in upper part")
CHALK = ("weathered white chalk with flint nodules structureless in upper metres grading to "
         "blocky chalk with open fractures and iron staining on joint surfaces")
# whole-borehole logs are the strata descriptions top to bottom
BH_NORTH = " ".join([CLAY, SAND, CHALK])
BH_QUARRY = " ".join([SAND, CHALK])
LOGS = [
    (BH_NORTH, "stiff grey clay over brown sand over white chalk with flints", 0.9),
    (BH_QUARRY, "brown fine sand with silt bands over weathered chalk", 0.85),
    (CHALK, "white chalk with flints and fractures", 0.9),
    ("stiff grey clay with gravel", "loose brown sand with mica", 0.1),
    ("white chalk with flint nodules", "stiff grey clay with organic staining", 0.05),
    (BH_NORTH, "loose brown sand with mica flakes", 0.3),
]


def save_tiny_backbone(arch, texts):
    """Write a vocab + randomly initialised BERT for the spec and return the folder."""
    folder = tempfile.mkdtemp(prefix="borehole_bert_")
    words = sorted({w for t in texts for w in t.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(folder, "vocab.txt"))

    width, cfg_kwargs = 64, {"max_position_embeddings": 64}
    for spec in arch:
        width = spec.get("dim", width)
        if spec["type"] == "embed":
            cfg_kwargs.update(hidden_size=width, intermediate_size=4 * width)
            if "positions" in spec:
                cfg_kwargs["max_position_embeddings"] = spec["positions"]
        elif spec["type"] == "encoder":
            cfg_kwargs.update(num_hidden_layers=spec["layers"], num_attention_heads=spec["heads"])
    config = BertConfig(vocab_size=tok.vocab_size, **cfg_kwargs)
    BertModel(config).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def build_sbert(arch, backbone_dir):
    modules, width = [], None
    for spec in arch:
        width = spec.get("dim", width)
        if spec["type"] == "embed":
            modules.append(Transformer(backbone_dir, max_seq_length=DATA["max_seq_length"]))
        elif spec["type"] == "pool":
            modules.append(Pooling(width, pooling_mode=spec["mode"]))
        elif spec["type"] == "linear":
            modules.append(Dense(in_features=width, out_features=spec["out"],
                                 activation_function=torch.nn.Tanh()))
            width = spec["out"]
    return SentenceTransformer(modules=modules, device="cpu")


def make_examples(rows):
    for left, right, score in rows:
        yield InputExample(texts=[left, right], label=float(score))


def main():
    all_text = [t for a, b, _ in LOGS for t in (a, b)]
    backbone = save_tiny_backbone(ARCH, all_text)
    model = build_sbert(ARCH, backbone)
    print("max_seq_length:", model.max_seq_length)

    train = list(make_examples(LOGS))
    loader = DataLoader(train, batch_size=DATA["batch_size"], shuffle=True)
    loss = losses.CosineSimilarityLoss(model)
    model.old_fit(train_objectives=[(loader, loss)], epochs=DATA["epochs"],
                  warmup_steps=1, show_progress_bar=False)

    emb = model.encode(["stiff clay with shells", "chalk with flints"], convert_to_tensor=True)
    print("embedding shape:", tuple(emb.shape))
    print("pair cosine:", torch.cosine_similarity(emb[0], emb[1], dim=0).item())


if __name__ == "__main__":
    main()
