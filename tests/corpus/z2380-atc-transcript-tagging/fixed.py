import os
import random

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))

CALLSIGNS = ["delta", "united", "speedbird", "lufthansa", "ryanair", "easy"]
NUMBERS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "niner", "zero"]
COMMANDS = ["climb", "descend", "maintain", "turn", "left", "right", "heading", "flight", "level",
            "contact", "tower", "ground", "approach", "cleared", "land", "runway", "taxi", "via",
            "hold", "short", "of", "roger", "wilco", "and", "to", "for", "takeoff", "departure"]

# utterance source -> segment id fed to the encoder
SPEAKER_ROLES = {"pilot": 0, "tower": 1, "approach": 2}

TAGS = ["O", "B-CALLSIGN", "I-CALLSIGN", "B-CMD", "B-VALUE", "I-VALUE"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

MODEL_CFG = dict(
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    type_vocab_size=len(SPEAKER_ROLES),
)


def write_vocab(path):
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + CALLSIGNS + NUMBERS + COMMANDS
    with open(path, "w") as f:
        f.write("\n".join(words) + "\n")
    return path


def synth_utterance():
    role = random.choice(list(SPEAKER_ROLES))
    words, tags = [], []
    cs = random.choice(CALLSIGNS)
    digits = random.choices(NUMBERS, k=random.randint(2, 4))
    words += [cs] + digits
    tags += ["B-CALLSIGN"] + ["I-CALLSIGN"] * len(digits)
    cmd = random.choice(["climb", "descend", "turn", "contact", "cleared"])
    words.append(cmd)
    tags.append("B-CMD")
    if cmd in ("climb", "descend"):
        words += ["flight", "level"]
        tags += ["O", "O"]
    val = random.choices(NUMBERS, k=random.randint(1, 3))
    words += val
    tags += ["B-VALUE"] + ["I-VALUE"] * (len(val) - 1)
    if role == "pilot":
        words.append("wilco")
        tags.append("O")
    return {"words": words, "tags": tags, "role": role}


def encode(batch, tokenizer, max_len=40):
    enc = tokenizer(
        [ex["words"] for ex in batch],
        is_split_into_words=True,
        padding="max_length",
        truncation=True,
        max_length=max_len,
        return_tensors="pt",
    )
    labels = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
    for i, ex in enumerate(batch):
        prev = None
        for j, w in enumerate(enc.word_ids(i)):
            if w is not None and w != prev:
                labels[i, j] = TAG2ID[ex["tags"][w]]
            prev = w
    seg = torch.tensor([SPEAKER_ROLES[ex["role"]] for ex in batch]).unsqueeze(1)
    enc["token_type_ids"] = seg.expand_as(enc["input_ids"]) * enc["attention_mask"]
    enc["labels"] = labels
    return enc


def main():
    vocab_path = write_vocab(os.path.join(HERE, "atc_vocab.txt"))
    tokenizer = BertTokenizer(vocab_path)

    utterances = [synth_utterance() for _ in range(96)]
    loader = DataLoader(utterances, batch_size=16, shuffle=True,
                        collate_fn=lambda b: encode(b, tokenizer))

    config = BertConfig(vocab_size=tokenizer.vocab_size, num_labels=len(TAGS), **MODEL_CFG)
    model = BertForTokenClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(2):
        total = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch} loss {total / (step + 1):.4f}")


if __name__ == "__main__":
    main()
