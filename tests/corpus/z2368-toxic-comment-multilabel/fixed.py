import csv
import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
DATA_CSV = os.path.join(HERE, "comments_train.csv")
VOCAB_TXT = os.path.join(HERE, "vocab.txt")

TEXT_COL = "comment_text"
ID_COL = "comment_id"
TOXICITY_TYPES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]

CFG = {
    "max_len": 32,
    "batch_size": 8,
    "lr": 3e-4,
    "epochs": 1,
    "threshold": 0.5,
}

CLEAN_WORDS = ["thanks", "for", "the", "edit", "good", "point", "i", "agree", "source", "please",
               "see", "talk", "page", "article", "nice", "work", "citation", "needed"]
BAD_WORDS = ["idiot", "stupid", "hate", "kill", "moron", "trash", "shut", "up", "loser", "ugly"]


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        for tok in specials + sorted(set(CLEAN_WORDS + BAD_WORDS)):
            f.write(tok + "\n")


def synth_comment(rng):
    n_bad = rng.choice([0, 0, 0, 1, 2, 3])
    words = [rng.choice(CLEAN_WORDS) for _ in range(rng.randint(4, 14))]
    for _ in range(n_bad):
        words.insert(rng.randint(0, len(words)), rng.choice(BAD_WORDS))
    flags = {t: 0 for t in TOXICITY_TYPES}
    if n_bad:
        flags["toxic"] = 1
        flags["insult"] = int(any(w in ("idiot", "moron", "loser", "ugly") for w in words))
        flags["threat"] = int("kill" in words)
        flags["obscene"] = int("trash" in words)
        flags["severe_toxic"] = int(n_bad >= 3)
        flags["identity_hate"] = int("hate" in words and n_bad >= 2)
    return " ".join(words), flags


def write_dump(path, n_rows=120):
    rng = random.Random(SEED)
    header = [ID_COL, TEXT_COL] + TOXICITY_TYPES + ["num_annotators"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for i in range(n_rows):
            text, flags = synth_comment(rng)
            w.writerow([f"c{i:05d}", text] + [flags[t] for t in TOXICITY_TYPES] + [rng.randint(3, 10)])


def load_comments(path):
    with open(path) as f:
        reader = csv.DictReader(f)
        label_cols = [c for c in reader.fieldnames if c in TOXICITY_TYPES]
        texts, labels = [], []
        for row in reader:
            texts.append(row[TEXT_COL])
            labels.append([float(row[c]) for c in label_cols])
    return texts, labels, label_cols


class CommentDataset(Dataset):
    def __init__(self, texts, labels):
        self.texts = texts
        self.labels = labels

    def __len__(self):
        return len(self.texts)

    def __getitem__(self, idx):
        return self.texts[idx], self.labels[idx]


def make_collate(tokenizer, max_len):
    def collate(batch):
        texts, labels = zip(*batch)
        enc = tokenizer(list(texts), padding=True, truncation=True,
                        max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor(labels, dtype=torch.float)
        return enc
    return collate


def build_model(vocab_size, num_labels):
    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=num_labels,
        problem_type="multi_label_classification",
    )
    return BertForSequenceClassification(config)


def train_one_epoch(model, loader, optimizer):
    model.train()
    running = 0.0
    for step, batch in enumerate(loader):
        out = model(**batch)
        optimizer.zero_grad()
        out.loss.backward()
        optimizer.step()
        running += out.loss.item()
        if step % 5 == 0:
            print(f"step {step:3d}  bce {out.loss.item():.4f}")
    return running / max(1, len(loader))


def main():
    write_vocab(VOCAB_TXT)
    write_dump(DATA_CSV)
    tokenizer = BertTokenizer(VOCAB_TXT)

    texts, labels, label_cols = load_comments(DATA_CSV)
    print(f"loaded {len(texts)} comments")

    ds = CommentDataset(texts, labels)
    loader = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True,
                        collate_fn=make_collate(tokenizer, CFG["max_len"]))

    model = build_model(tokenizer.vocab_size, num_labels=len(TOXICITY_TYPES))
    optimizer = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        avg = train_one_epoch(model, loader, optimizer)
        print(f"epoch {epoch} mean bce {avg:.4f}")


if __name__ == "__main__":
    main()
