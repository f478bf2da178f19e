import os
import random

import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))

CFG = {
    "max_len": 48,
    "max_position_embeddings": 64,
    "hidden_size": 32,
    "layers": 1,
    "heads": 2,
    "batch_size": 8,
    "epochs": 2,
    "lr": 3e-4,
    "n_segments": 96,
    "seed": 11,
}

TAGS = ["O", "B-TERM", "I-TERM", "B-DEF", "I-DEF", "B-EX", "I-EX", "FILLER"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

TERMS = [["gradient", "descent"], ["photosynthesis"], ["supply", "curve"], ["mitochondria"],
         ["binary", "search"], ["opportunity", "cost"], ["natural", "selection"]]
DEFS = [["the", "process", "by", "which", "plants", "make", "energy"],
        ["an", "algorithm", "that", "halves", "the", "interval", "each", "step"],
        ["what", "you", "give", "up", "when", "you", "choose"],
        ["moving", "downhill", "on", "the", "loss", "surface"]]
EXAMPLES = [["for", "example", "a", "leaf", "in", "sunlight"],
            ["for", "instance", "looking", "up", "a", "word", "in", "a", "dictionary"],
            ["like", "skipping", "class", "to", "work", "a", "shift"]]
FILLERS = ["um", "uh", "okay", "so", "right"]
CHATTER = ["today", "we", "will", "look", "at", "this", "is", "important", "remember", "for",
           "the", "exam", "and", "then", "next", "week", "slide", "question", "anyone"]


def make_segment(rng):
    words, tags = [], []

    def add(span, kind):
        for j, w in enumerate(span):
            words.append(w)
            tags.append("O" if kind == "O" else ("B-" if j == 0 else "I-") + kind)

    for _ in range(rng.randint(2, 6)):
        r = rng.random()
        if r < 0.3:
            add(rng.sample(CHATTER, rng.randint(3, 8)), "O")
        elif r < 0.5:
            add(rng.choice(TERMS), "TERM")
            add(["is"], "O")
            add(rng.choice(DEFS), "DEF")
        elif r < 0.7:
            add(rng.choice(EXAMPLES), "EX")
        else:
            words.append(rng.choice(FILLERS))
            tags.append("FILLER")
    return words, tags


def write_vocab(path):
    pieces = set(CHATTER) | set(FILLERS) | {"is"}
    for group in (TERMS, DEFS, EXAMPLES):
        for span in group:
            pieces.update(span)
    pieces.discard("mitochondria")
    pieces.update(["mito", "##chon", "##dria"])
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(pieces)) + "\n")


def align_word_tags(encoding, batch_tags):
    aligned = []
    for i, tags in enumerate(batch_tags):
        prev = None
        row = []
        for wid in encoding.word_ids(i):
            if wid is None or wid == prev:
                row.append(-100)
            else:
                row.append(TAG2ID[tags[wid]])
            prev = wid
        aligned.append(row)
    return torch.tensor(aligned)


def fit_to_window(features, max_len):
    for key in ("input_ids", "token_type_ids", "attention_mask", "labels"):
        features[key] = features[key][:, :max_len]
    return features


def build_features(tokenizer, segments, cfg):
    words = [w for w, _ in segments]
    tags = [t for _, t in segments]
    enc = tokenizer(words, is_split_into_words=True, padding="longest", return_tensors="pt")
    features = {k: enc[k] for k in ("input_ids", "token_type_ids", "attention_mask")}
    features["labels"] = align_word_tags(enc, tags)
    return fit_to_window(features, cfg["max_len"])


def main():
    rng = random.Random(CFG["seed"])
    torch.manual_seed(CFG["seed"])
    vocab_path = os.path.join(HERE, "lecture_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    segments = [make_segment(rng) for _ in range(CFG["n_segments"])]
    feats = build_features(tokenizer, segments, CFG)
    ds = TensorDataset(feats["input_ids"], feats["token_type_ids"], feats["attention_mask"], feats["labels"])
    loader = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=CFG["hidden_size"],
        num_hidden_layers=CFG["layers"],
        num_attention_heads=CFG["heads"],
        intermediate_size=CFG["hidden_size"] * 2,
        max_position_embeddings=CFG["max_position_embeddings"],
        num_labels=len(TAGS),
        id2label=dict(enumerate(TAGS)),
        label2id=TAG2ID,
    )
    model = BertForTokenClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        total, n = 0.0, 0
        for input_ids, token_type_ids, attention_mask, labels in loader:
            out = model(input_ids=input_ids, token_type_ids=token_type_ids,
                        attention_mask=attention_mask, labels=labels)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            total += out.loss.item()
            n += 1
        print(f"epoch {epoch}: token-tag loss {total / n:.4f}")

    model.eval()
    with torch.no_grad():
        sample = ds[:4]
        pred = model(input_ids=sample[0], token_type_ids=sample[1], attention_mask=sample[2]).logits.argmax(-1)
    keep = sample[3] != -100
    print("tag accuracy on 4 segments:", (pred[keep] == sample[3][keep]).float().mean().item())


if __name__ == "__main__":
    main()
