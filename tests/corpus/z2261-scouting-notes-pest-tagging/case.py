import os
import random

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

BASE_WORDS = """
field plot row leaf leaves stem root soil wet dry yellow brown spots small large
many few some on the in of and with near edge center heavy light damage found
seen observed larvae eggs adults feeding holes webbing curling wilting lesions
north south east west corner after rain spray applied week early late growth stage
corn soybean wheat canopy lower upper high low pressure threshold above below
""".split()

AGRO_TERMS = [
    "armyworm", "rootworm", "aphids", "thrips", "cutworm", "rust",
    "bt-spray", "pyrethroid", "neonic-seed", "v6", "r3", "bbch31",
]

PEST_CLASSES = ["no_action", "insect_pressure", "disease_pressure"]

MODEL_CFG = dict(
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
)


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        for tok in specials + BASE_WORDS:
            fh.write(tok + "\n")
    return len(specials) + len(BASE_WORDS)


def synth_note(rng):
    label = rng.randrange(len(PEST_CLASSES))
    words = rng.sample(BASE_WORDS, 8)
    if label == 1:
        words += [rng.choice(["armyworm", "rootworm", "aphids", "thrips", "cutworm"]),
                  "feeding", rng.choice(["v6", "r3"])]
    elif label == 2:
        words += ["rust", "lesions", rng.choice(["bbch31", "r3"])]
    else:
        words += ["pyrethroid" if rng.random() < 0.5 else "bt-spray", "applied"]
    rng.shuffle(words)
    return " ".join(words), label


def build_tokenizer(vocab_path):
    tok = BertTokenizer(vocab_path, do_lower_case=True)
    added = tok.add_tokens(AGRO_TERMS)
    print(f"added {added} agronomy terms, tokenizer size now {len(tok)}")
    return tok


def encode_notes(tokenizer, notes, labels, max_len=32):
    enc = tokenizer(notes, padding="max_length", truncation=True,
                    max_length=max_len, return_tensors="pt")
    enc["labels"] = torch.tensor(labels)
    return enc


def batches(enc, batch_size):
    n = enc["input_ids"].size(0)
    order = torch.randperm(n)
    for start in range(0, n, batch_size):
        idx = order[start:start + batch_size]
        yield {k: v[idx] for k, v in enc.items()}


def evaluate(model, enc):
    model.eval()
    with torch.no_grad():
        out = model(**{k: v for k, v in enc.items() if k != "labels"})
    preds = out.logits.argmax(-1)
    return (preds == enc["labels"]).float().mean().item()


def main():
    random.seed(3)
    np.random.seed(3)
    torch.manual_seed(3)
    rng = random.Random(3)

    vocab_path = os.path.join(HERE, "scouting_vocab.txt")
    vocab_size = write_vocab(vocab_path)
    tokenizer = build_tokenizer(vocab_path)

    data = [synth_note(rng) for _ in range(96)]
    notes, labels = zip(*data)
    train_enc = encode_notes(tokenizer, list(notes[:80]), list(labels[:80]))
    val_enc = encode_notes(tokenizer, list(notes[80:]), list(labels[80:]))

    config = BertConfig(vocab_size=vocab_size, num_labels=len(PEST_CLASSES), **MODEL_CFG)
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)

    for epoch in range(3):
        model.train()
        total = 0.0
        for batch in batches(train_enc, batch_size=16):
            out = model(**batch)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            total += out.loss.item()
        print(f"epoch {epoch} loss {total:.3f} val_acc {evaluate(model, val_enc):.3f}")


if __name__ == "__main__":
    main()
