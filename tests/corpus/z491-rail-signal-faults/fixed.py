"""Classify railway signalling fault reports into maintenance categories.

Reports come from the depot's incident export (free text + the category the technician picked).
"""
from dataclasses import dataclass
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


# categories from the signalling maintenance handbook, chapter 4
FAULT_CLASSES = ("track_circuit", "point_machine", "signal_lamp", "axle_counter", "power_supply")


@dataclass
class RunCfg:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    batch_size: int = 4
    lr: float = 5e-4
    epochs: int = 2
    seed: int = 21
    n_classes: int = len(FAULT_CLASSES)


INCIDENTS = [
    ("track circuit showing occupied with no train present", "track_circuit"),
    ("points failed to detect in reverse position", "point_machine"),
    ("red aspect lamp out at approach signal", "signal_lamp"),
    ("axle counter reset required after count mismatch", "axle_counter"),
    ("loss of feed to location cabinet after storm", "power_supply"),
    ("fallen tree branch across signal cable route", "vegetation"),
    ("track circuit flickering in wet weather", "track_circuit"),
    ("point motor overheating and slow to move", "point_machine"),
    ("ivy growing over signal head obscuring aspect", "vegetation"),
    ("lamp filament failure on shunt signal", "signal_lamp"),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(prefix="rail_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def category_index(rows):
    cats = sorted({cat for _, cat in rows})
    return {cat: i for i, cat in enumerate(cats)}


def iterate_batches(rows, tok, cat2id, size, shuffle=True):
    order = list(range(len(rows)))
    if shuffle:
        random.shuffle(order)
    for i in range(0, len(order), size):
        picked = [rows[j] for j in order[i:i + size]]
        feats = tok([t for t, _ in picked], padding=True, return_tensors="pt")
        feats["labels"] = torch.tensor([cat2id[c] for _, c in picked], dtype=torch.long)
        yield feats


def build_classifier(cfg, vocab_size):
    bert_cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg.hidden,
        num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads,
        intermediate_size=cfg.hidden * 2,
        max_position_embeddings=64,
        num_labels=cfg.n_classes,
    )
    return BertForSequenceClassification(bert_cfg)


def main():
    cfg = RunCfg()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    tok = BertTokenizer(write_vocab([t for t, _ in INCIDENTS]))
    cat2id = category_index(INCIDENTS)
    cfg.n_classes = len(cat2id)
    print(f"{len(INCIDENTS)} reports, categories: {cat2id}")

    model = build_classifier(cfg, len(tok))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    step = 0
    for epoch in range(cfg.epochs):
        model.train()
        for feats in iterate_batches(INCIDENTS, tok, cat2id, cfg.batch_size):
            loss = model(**feats).loss
            loss.backward()
            opt.step()
            opt.zero_grad()
            step += 1
            if step % 2 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.4f}")

    model.eval()
    id2cat = {i: c for c, i in cat2id.items()}
    with torch.no_grad():
        probe = tok(["signal lamp out after storm"], return_tensors="pt")
        print("predicted:", id2cat[model(**probe).logits.argmax(-1).item()])


if __name__ == "__main__":
    main()
