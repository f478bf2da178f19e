"""Predict a coarse satisfaction level (5 bins) for hotel reviews scored 0-1 by the survey tool."""
import csv
import io
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizerFast,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

torch.manual_seed(0)
N_BINS = 5
SURVEY_EXPORT = """review_id,comment,satisfaction
r01,room was dirty and the staff were rude,0.05
r02,breakfast was cold but the bed was fine,0.42
r03,lovely view and friendly reception,0.81
r04,noisy street all night,0.23
r05,absolutely perfect stay we will come back,1.0
r06,average hotel nothing special,0.5
r07,great location small room,0.66
r08,the shower did not work,0.12
"""


def load_reviews(text):
    rows = list(csv.DictReader(io.StringIO(text)))
    return [(row["comment"], float(row["satisfaction"])) for row in rows]


def to_bin(score):
    return int(score * N_BINS)


class ReviewSet(torch.utils.data.Dataset):
    def __init__(self, reviews, tokenizer):
        self.encodings = tokenizer([c for c, _ in reviews], truncation=True, max_length=32)
        self.levels = [to_bin(score) for _, score in reviews]

    def __len__(self):
        return len(self.levels)

    def __getitem__(self, idx):
        item = {k: v[idx] for k, v in self.encodings.items()}
        item["labels"] = self.levels[idx]
        return item


def build_tokenizer(folder, reviews):
    vocab = sorted({w for c, _ in reviews for w in c.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *vocab]) + "\n")
    return BertTokenizerFast(path)


def main():
    out_dir = tempfile.mkdtemp()
    reviews = load_reviews(SURVEY_EXPORT)
    tokenizer = build_tokenizer(out_dir, reviews)
    model = BertForSequenceClassification(BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64, num_labels=N_BINS))
    args = TrainingArguments(output_dir=out_dir, report_to=[], num_train_epochs=1, per_device_train_batch_size=8,
                             use_cpu=True, save_strategy="no", disable_tqdm=True, learning_rate=5e-4)
    trainer = Trainer(model=model, args=args, train_dataset=ReviewSet(reviews, tokenizer),
                      data_collator=DataCollatorWithPadding(tokenizer))
    result = trainer.train()
    print(f"loss {result.training_loss:.3f}")


if __name__ == "__main__":
    main()
