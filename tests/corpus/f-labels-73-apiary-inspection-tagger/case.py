import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(0)
random.seed(0)

TAGS = ["O", "B-HIVE", "B-PEST", "B-FRAME"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}
MAX_LABELS = 24

INSPECTIONS = [
    ("hive seven showed varroa on frame four", ["B-HIVE", "O", "O", "B-PEST", "O", "B-FRAME", "O"]),
    ("queen seen in hive two", ["O", "O", "O", "B-HIVE", "O"]),
    ("small beetles under frame nine", ["O", "B-PEST", "O", "B-FRAME", "O"]),
    ("hive three calm", ["B-HIVE", "O", "O"]),
    ("wax moth larvae near frame one of hive five", ["B-PEST", "O", "O", "O", "B-FRAME", "O", "O", "B-HIVE", "O"]),
    ("capped brood good", ["O", "O", "O"]),
]


def write_vocab(words):
    folder = tempfile.mkdtemp(prefix="apiary_vocab_")
    path = os.path.join(folder, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


def pad_labels(tags, width):
    return [-100] + tags + [-100] + [-100] * (width - len(tags) - 2)


def make_collate(tokenizer):
    def collate(batch):
        word_lists = [text.split() for text, _ in batch]
        enc = tokenizer(word_lists, is_split_into_words=True, padding=True, return_tensors="pt")
        label_rows = []
        for _, tags in batch:
            ids = [TAG2ID[t] for t in tags]
            label_rows.append(pad_labels(ids, MAX_LABELS))
        return {
            "input_ids": enc["input_ids"],
            "attention_mask": enc["attention_mask"],
            "labels": torch.tensor(label_rows),
        }
    return collate


def build_model(vocab_size):
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(TAGS),
    )
    return BertForTokenClassification(cfg)


def main():
    vocab = {w for text, _ in INSPECTIONS for w in text.split()}
    tokenizer = BertTokenizer(write_vocab(vocab))
    model = build_model(len(tokenizer))
    loader = DataLoader(INSPECTIONS, batch_size=3, shuffle=True, collate_fn=make_collate(tokenizer))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3)

    print(f"{len(INSPECTIONS)} inspection notes, {len(tokenizer)} tokens in vocab")
    model.train()
    for epoch in range(3):
        total = 0.0
        for batch in loader:
            out = model(**batch)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            total += out.loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.4f}")

    model.eval()
    words = "varroa on frame two".split()
    enc = tokenizer([words], is_split_into_words=True, return_tensors="pt")
    with torch.no_grad():
        pred = model(**enc).logits.argmax(-1)[0, 1:-1].tolist()
    print(list(zip(words, [TAGS[p] for p in pred])))


if __name__ == "__main__":
    main()
