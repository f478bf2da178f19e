"""ESL placement test: predict the writing band (1-6) of a short paragraph.

Raters score each placement paragraph on the centre's 6-band writing rubric.
We fine-tune a tiny BERT classifier on the rated paragraphs exported from the
rating tool as CSV.
"""
import csv
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(1)
random.seed(1)

MIN_BAND, MAX_BAND = 1, 6
BAND_NAMES = {1: "beginner", 2: "elementary", 3: "pre-intermediate",
              4: "intermediate", 5: "upper-intermediate", 6: "advanced"}

RATED = [
    ("i like my city . it is big . i go school by bus", 1),
    ("my name is ana . i have two brother . we live in house", 1),
    ("last weekend i go to the beach with my family and we eat fish", 2),
    ("i am study english because i want work in other country", 2),
    ("in my free time i usually play football with my friends after school", 3),
    ("my hometown is small but people are friendly and the food is very good", 3),
    ("although public transport is cheap , many people still prefer to drive their own cars", 4),
    ("learning a language takes time , but practising every day makes a real difference", 4),
    ("while technology has made communication faster , it has arguably made it more superficial as well", 5),
    ("the decision to study abroad was difficult , yet it ultimately broadened my perspective considerably", 5),
    ("notwithstanding the economic benefits , unchecked tourism can erode the very culture that attracts visitors", 6),
    ("had the council consulted residents earlier , the controversy surrounding the new bypass might have been avoided", 6),
]


def export_ratings(folder):
    path = os.path.join(folder, "placement_ratings.csv")
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["candidate_id", "paragraph", "band"])
        for i, (text, band) in enumerate(RATED):
            writer.writerow([f"C{i:04d}", text, band])
    return path


def write_vocab(folder):
    words = sorted({w for text, _ in RATED for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class PlacementParagraphs(Dataset):
    def __init__(self, csv_path):
        with open(csv_path, newline="") as fh:
            self.rows = list(csv.DictReader(fh))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        return row["paragraph"], int(row["band"]) - MIN_BAND


def make_collate(tokenizer, max_len=48):
    def collate(batch):
        paragraphs = [p for p, _ in batch]
        enc = tokenizer(paragraphs, padding=True, truncation=True,
                        max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor([band for _, band in batch])
        return enc
    return collate


def main():
    workdir = tempfile.mkdtemp(prefix="esl_placement_")
    ratings_csv = export_ratings(workdir)
    tokenizer = BertTokenizer(write_vocab(workdir))

    dataset = PlacementParagraphs(ratings_csv)
    loader = DataLoader(dataset, batch_size=4, shuffle=True,
                        collate_fn=make_collate(tokenizer))
    n_bands = MAX_BAND - MIN_BAND + 1
    print(f"{len(dataset)} rated paragraphs, {n_bands} bands")

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=n_bands,
    )
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)

    model.train()
    for epoch in range(4):
        running = 0.0
        for batch in loader:
            out = model(**batch)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            running += out.loss.item()
        print(f"epoch {epoch}: loss {running / len(loader):.4f}")

    model.eval()
    probe = "i like football and i play it with my friends every weekend"
    with torch.no_grad():
        enc = tokenizer([probe], return_tensors="pt")
        pred = model(**enc).logits.argmax(-1).item()
    band = pred + MIN_BAND
    print(f"predicted band {band} ({BAND_NAMES[band]})")


if __name__ == "__main__":
    main()
