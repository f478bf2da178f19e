import os
import random

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "can_vocab.txt")

SPEED_BINS = 20        # 0..38 m/s in 2 m/s bins
ACCEL_BINS = 9         # -4..4 m/s^2
STEER_BINS = 11        # -5..5 deg buckets
GAP_BINS = 10          # headway to lead vehicle, 0..50 m
EVENTS = ["nominal", "harsh_brake", "cut_in", "lane_departure"]
ACTOR_MARKERS = ["[EGO]", "[LEAD]", "[ADJ]"]

random.seed(0)
np.random.seed(0)
torch.manual_seed(0)


def build_vocab():
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = [f"spd{i}" for i in range(SPEED_BINS)]
    words += [f"acc{i}" for i in range(ACCEL_BINS)]
    words += [f"str{i}" for i in range(STEER_BINS)]
    words += [f"gap{i}" for i in range(GAP_BINS)]
    words += ["blinkl", "blinkr", "brkon", "brkoff"]
    with open(VOCAB_PATH, "w") as f:
        f.write("\n".join(specials + words) + "\n")


def frame_to_words(speed, accel, steer, brake, blinker):
    s = int(np.clip(speed // 2, 0, SPEED_BINS - 1))
    a = int(np.clip(round(accel) + 4, 0, ACCEL_BINS - 1))
    st = int(np.clip(round(steer) + 5, 0, STEER_BINS - 1))
    words = [f"spd{s}", f"acc{a}", f"str{st}", "brkon" if brake else "brkoff"]
    if blinker:
        words.append("blinkl" if blinker < 0 else "blinkr")
    return words


def synth_clip(event, rng, n_frames=6):
    """One short window of decoded CAN frames rendered as text."""
    speed = rng.uniform(8, 30)
    lead_gap = rng.uniform(15, 45)
    parts = []
    for k in range(n_frames):
        accel = rng.normal(0, 0.5)
        steer = rng.normal(0, 0.7)
        blinker = 0
        if event == "harsh_brake" and k >= n_frames // 2:
            accel = rng.uniform(-4, -2.5)
        if event == "cut_in" and k >= 2:
            lead_gap = max(2.0, lead_gap - rng.uniform(5, 9))
        if event == "lane_departure":
            steer += 0.8 * k
        speed = max(0.0, speed + accel * 0.5)
        parts.append("[EGO] " + " ".join(frame_to_words(speed, accel, steer, accel < -1.5, blinker)))
        gap_bin = int(np.clip(lead_gap // 5, 0, GAP_BINS - 1))
        parts.append(f"[LEAD] gap{gap_bin}")
    return " ".join(parts)


def make_corpus(n, rng):
    labels = rng.integers(0, len(EVENTS), size=n)
    return [(synth_clip(EVENTS[y], rng), int(y)) for y in labels]


class CanCollator:
    def __init__(self, tokenizer, max_length):
        self.tok = tokenizer
        self.max_length = max_length

    def __call__(self, batch):
        texts, labels = zip(*batch)
        enc = self.tok(list(texts), padding=True, truncation=True,
                       max_length=self.max_length, return_tensors="pt")
        enc["labels"] = torch.tensor(labels)
        return enc


def main():
    build_vocab()
    tokenizer = BertTokenizer(VOCAB_PATH)
    tokenizer.add_special_tokens({"additional_special_tokens": ACTOR_MARKERS})

    rng = np.random.default_rng(0)
    train = make_corpus(96, rng)
    print("example:", train[0][0][:90], "...")

    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=48,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=96,
        max_position_embeddings=128,
        num_labels=len(EVENTS),
        pad_token_id=tokenizer.pad_token_id,
    )
    model = BertForSequenceClassification(config)

    loader = DataLoader(train, batch_size=16, shuffle=True,
                        collate_fn=CanCollator(tokenizer, max_length=128))
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)

    model.train()
    for epoch in range(2):
        correct, seen = 0, 0
        for batch in loader:
            out = model(**batch)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            correct += (out.logits.argmax(-1) == batch["labels"]).sum().item()
            seen += len(batch["labels"])
        print(f"epoch {epoch}: loss {out.loss.item():.3f} acc {correct / seen:.2f}")


if __name__ == "__main__":
    main()
