"""Predict the star rating (1-5) of app-store reviews with a small BERT and the HF Trainer."""
import csv
import io
import os
import tempfile

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

REVIEWS_CSV = """review_id,rating,body
r1,5,love this app works great
r2,1,crashes every time i open it
r3,3,ok but too many ads
r4,4,good app but drains battery
r5,2,slow and buggy after update
r6,5,great app love the new design
r7,1,useless crashes and ads
r8,4,works well most of the time
"""
N_STARS = 5


def load_reviews(text):
    rows = list(csv.DictReader(io.StringIO(text)))
    return [row["body"] for row in rows], [int(row["rating"]) for row in rows]


def build_tokenizer(bodies, folder):
    vocab = sorted({w for b in bodies for w in b.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    return BertTokenizer(path)


class ReviewDataset(torch.utils.data.Dataset):
    def __init__(self, bodies, stars, tokenizer):
        self.enc = [tokenizer(b, truncation=True, max_length=32) for b in bodies]
        self.stars = stars

    def __len__(self):
        return len(self.stars)

    def __getitem__(self, i):
        return {**self.enc[i], "labels": self.stars[i]}


def main():
    torch.manual_seed(0)
    out_dir = tempfile.mkdtemp()
    bodies, stars = load_reviews(REVIEWS_CSV)
    tokenizer = build_tokenizer(bodies, out_dir)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=N_STARS)
    model = BertForSequenceClassification(config)
    training_args = TrainingArguments(output_dir=out_dir, per_device_train_batch_size=4, max_steps=4,
                                      learning_rate=3e-4, report_to=[], use_cpu=True,
                                      save_strategy="no", disable_tqdm=True, seed=0)
    trainer = Trainer(model=model, args=training_args,
                      train_dataset=ReviewDataset(bodies, stars, tokenizer),
                      data_collator=DataCollatorWithPadding(tokenizer))
    trainer.train()
    print("final loss", trainer.state.log_history[-1]["train_loss"])


if __name__ == "__main__":
    main()
