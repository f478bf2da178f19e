import os
import random
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(99)
np.random.seed(99)
torch.manual_seed(99)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "event_vocab.txt")

MAX_TOKENS = 96
STYLES = ["chorale", "march", "waltz"]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PITCHES = range(36, 97)
SHIFTS = [1, 2, 3, 4, 6, 8, 12, 16]
VEL_BINS = range(8)


def write_vocab(path):
    tokens = list(SPECIALS)
    tokens += [f"on{p}" for p in PITCHES]
    tokens += [f"off{p}" for p in PITCHES]
    tokens += [f"shift{s}" for s in SHIFTS]
    tokens += [f"vel{b}" for b in VEL_BINS]
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return len(tokens)


def synth_piece(style):
    """returns list of (pitch, start, duration) in 16th ticks"""
    meter = {"chorale": 4, "march": 2, "waltz": 3}[style]
    beat = 4
    root = random.choice([48, 55, 60])
    notes = []
    t = 0
    for bar in range(random.randint(2, 5)):
        for b in range(meter):
            chord = [root, root + 4, root + 7] if style == "chorale" else [root + random.choice([0, 4, 7, 12])]
            dur = beat if b else beat * (2 if style == "waltz" else 1)
            for p in chord:
                notes.append((p, t, dur))
            t += dur
        root += random.choice([-5, 0, 2, 5])
        root = min(max(root, 40), 80)
    return notes


def to_events(notes, velocity=80):
    edges = sorted([(s, 1, p) for p, s, d in notes] + [(s + d, 0, p) for p, s, d in notes],
                   key=lambda e: (e[0], e[1]))
    words = [f"vel{velocity * len(VEL_BINS) // 128}"]
    clock = 0
    for t, on, p in edges:
        gap = t - clock
        while gap > 0:
            step = max(s for s in SHIFTS if s <= gap)
            words.append(f"shift{step}")
            gap -= step
        clock = t
        words.append(f"on{p}" if on else f"off{p}")
    return words


def note_on_mask(event_lists, length):
    m = torch.zeros(len(event_lists), length)
    for row, words in enumerate(event_lists):
        for col, w in enumerate(words[: length - 2]):
            if w.startswith("on"):
                m[row, col + 1] = 1.0
    return m


class StyleTagger(nn.Module):
    def __init__(self, config, n_styles):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.drop = nn.Dropout(0.1)
        self.cls = nn.Linear(config.hidden_size, n_styles)

    def forward(self, input_ids, attention_mask, pool_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        weights = pool_mask.unsqueeze(-1)
        pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        return self.cls(self.drop(pooled))


def make_batches(examples, tokenizer, batch_size):
    for i in range(0, len(examples), batch_size):
        chunk = examples[i : i + batch_size]
        event_lists = [ev for ev, _ in chunk]
        enc = tokenizer(
            [" ".join(ev) for ev in event_lists],
            padding="max_length",
            truncation=True,
            max_length=MAX_TOKENS,
            return_tensors="pt",
        )
        yield {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "pool_mask": note_on_mask(event_lists, MAX_TOKENS),
            "labels": torch.tensor([y for _, y in chunk]),
        }


def main():
    vocab_size = write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    examples = []
    for _ in range(60):
        label = random.randrange(len(STYLES))
        examples.append((to_events(synth_piece(STYLES[label])), label))
    print("label counts:", Counter(STYLES[y] for _, y in examples))
    print("event lengths: min %d / max %d" % (min(len(e) for e, _ in examples), max(len(e) for e, _ in examples)))

    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
    )
    model = StyleTagger(config, len(STYLES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        random.shuffle(examples)
        model.train()
        correct, seen, running = 0, 0, 0.0
        for batch in make_batches(examples, tokenizer, batch_size=12):
            labels = batch.pop("labels")
            logits = model(**batch)
            loss = loss_fn(logits, labels)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item() * len(labels)
            correct += (logits.argmax(-1) == labels).sum().item()
            seen += len(labels)
        print(f"epoch {epoch}: loss={running / seen:.3f} acc={correct / seen:.2f}")

    os.remove(VOCAB_PATH)


if __name__ == "__main__":
    main()
