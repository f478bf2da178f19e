"""Gloss tagging for a sign-language annotation corpus.

Each utterance is annotated on several articulator tiers (manual glosses,
mouthings, non-manual markers).  The tiers are packed into one BERT input,
one segment per tier, and a token classifier tags every manual gloss with its
sign type (lexical / fingerspelled / depicting / pointing).
"""
import os
import random
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

TIERS = ["manual", "mouthing", "nmm"]
TIER_TO_SEGMENT = {tier: i for i, tier in enumerate(TIERS)}
SIGN_TYPES = ["lexical", "fingerspell", "depicting", "pointing"]

MANUAL_GLOSSES = ["index", "house", "go", "fs-anna", "fs-bob", "cl-vehicle", "cl-person",
                  "tomorrow", "store", "buy", "want", "not", "pt-left", "pt-right", "finish"]
MOUTHINGS = ["haus", "morgen", "kaufen", "nicht", "anna", "fertig", "mm", "th", "pah"]
NMMS = ["brow-raise", "brow-furrow", "head-shake", "head-nod", "eye-gaze", "puffed-cheeks"]


@dataclass
class TaggerConfig:
    hidden_size: int = 64
    num_layers: int = 2
    num_heads: int = 4
    max_len: int = 48
    type_vocab_size: int = len(TIERS)
    batch_size: int = 8
    lr: float = 3e-4
    epochs: int = 2


def gloss_type(g):
    if g.startswith("fs-"):
        return "fingerspell"
    if g.startswith("cl-"):
        return "depicting"
    if g.startswith("pt-") or g == "index":
        return "pointing"
    return "lexical"


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    pieces = set()
    for tok in MANUAL_GLOSSES + MOUTHINGS + NMMS:
        pieces.update(tok.split("-"))
        pieces.add("-")
    with open(path, "w") as f:
        for tok in specials + sorted(pieces):
            f.write(tok + "\n")


def make_corpus(n, seed=0):
    rng = random.Random(seed)
    corpus = []
    for _ in range(n):
        manual = rng.choices(MANUAL_GLOSSES, k=rng.randint(3, 7))
        corpus.append({
            "manual": manual,
            "mouthing": rng.choices(MOUTHINGS, k=rng.randint(1, 4)),
            "nmm": rng.choices(NMMS, k=rng.randint(1, 3)),
        })
    return corpus


class TierEncoder:
    def __init__(self, tokenizer, max_len):
        self.tok = tokenizer
        self.max_len = max_len

    def __call__(self, utt):
        ids = [self.tok.cls_token_id]
        segs = [0]
        labels = [-100]
        for tier in TIERS:
            seg = TIER_TO_SEGMENT[tier]
            for word in utt[tier]:
                pieces = self.tok.tokenize(word)
                piece_ids = self.tok.convert_tokens_to_ids(pieces)
                ids.extend(piece_ids)
                segs.extend([seg] * len(piece_ids))
                if tier == "manual":
                    lab = SIGN_TYPES.index(gloss_type(word))
                    labels.extend([lab] + [-100] * (len(piece_ids) - 1))
                else:
                    labels.extend([-100] * len(piece_ids))
            ids.append(self.tok.sep_token_id)
            segs.append(seg)
            labels.append(-100)
        return {
            "input_ids": ids[: self.max_len],
            "token_type_ids": segs[: self.max_len],
            "labels": labels[: self.max_len],
        }


class TierDataset(Dataset):
    def __init__(self, corpus, encoder):
        self.items = [encoder(u) for u in corpus]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def pad_batch(batch, pad_id):
    L = max(len(b["input_ids"]) for b in batch)
    out = {k: [] for k in ["input_ids", "token_type_ids", "attention_mask", "labels"]}
    for b in batch:
        n = len(b["input_ids"])
        out["input_ids"].append(b["input_ids"] + [pad_id] * (L - n))
        out["token_type_ids"].append(b["token_type_ids"] + [0] * (L - n))
        out["attention_mask"].append([1] * n + [0] * (L - n))
        out["labels"].append(b["labels"] + [-100] * (L - n))
    return {k: torch.tensor(v) for k, v in out.items()}


def main():
    torch.manual_seed(0)
    cfg = TaggerConfig()
    vocab_path = os.path.join(HERE, "gloss_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path, do_lower_case=True)

    encoder = TierEncoder(tokenizer, cfg.max_len)
    train_ds = TierDataset(make_corpus(64, seed=1), encoder)
    loader = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=lambda b: pad_batch(b, tokenizer.pad_token_id))

    bert_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=cfg.hidden_size,
        num_hidden_layers=cfg.num_layers,
        num_attention_heads=cfg.num_heads,
        intermediate_size=cfg.hidden_size * 2,
        max_position_embeddings=64,
        type_vocab_size=cfg.type_vocab_size,
        num_labels=len(SIGN_TYPES),
    )
    model = BertForTokenClassification(bert_cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    model.train()
    for epoch in range(cfg.epochs):
        total = 0.0
        for batch in loader:
            out = model(**batch)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            total += out.loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
