import math
import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

REVIEWS = [
    {"body": "battery died after two days terrible", "stars": 1, "helpful_votes": 14},
    {"body": "works as described fast shipping", "stars": 4, "helpful_votes": 2},
    {"body": "great sound but the strap broke", "stars": 3, "helpful_votes": 9},
    {"body": "absolutely love it best purchase this year", "stars": 5, "helpful_votes": 0},
    {"body": "cheap plastic feels flimsy", "stars": 2, "helpful_votes": 5},
    {"body": "does the job for the price", "stars": 3, "helpful_votes": 1},
    {"body": "stopped charging returned it", "stars": 1, "helpful_votes": 22},
    {"body": "exactly what i needed great battery", "stars": 5, "helpful_votes": 3},
    {"body": "sound is fine but fast to break", "stars": 2, "helpful_votes": 0},
    {"body": "love the design works great", "stars": 4, "helpful_votes": 7},
]


def make_tokenizer(folder):
    vocab = sorted({w for r in REVIEWS for w in r["body"].split()})
    vocab_path = os.path.join(folder, "reviews_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    return BertTokenizer(vocab_path)


def helpfulness_weight(votes):
    return 1.0 + math.log1p(votes)


@dataclass
class ReviewCollator:
    tokenizer: BertTokenizer
    max_len: int = 16

    def __call__(self, reviews):
        enc = self.tokenizer(
            [r["body"] for r in reviews],
            padding="longest",
            truncation=True,
            max_length=self.max_len,
            return_tensors="pt",
        )
        enc["star_class"] = torch.tensor([r["stars"] - 1 for r in reviews])
        enc["review_weight"] = torch.tensor(
            [helpfulness_weight(r["helpful_votes"]) for r in reviews], dtype=torch.float32
        )
        return dict(enc)


class HelpfulnessWeightedTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        star_class = inputs.pop("star_class")
        review_weight = inputs.pop("review_weight")
        outputs = model(**inputs)
        per_review = F.cross_entropy(outputs.logits, star_class, reduction="none")
        loss = per_review * review_weight
        return (loss, outputs) if return_outputs else loss


def main():
    torch.manual_seed(3)
    scratch = tempfile.mkdtemp(prefix="reviews_")
    tokenizer = make_tokenizer(scratch)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=32,
        num_labels=5,
    )
    model = BertForSequenceClassification(config)

    train_rows, eval_rows = REVIEWS[:8], REVIEWS[8:]
    args = TrainingArguments(
        output_dir=os.path.join(scratch, "run"),
        per_device_train_batch_size=4,
        max_steps=4,
        learning_rate=2e-3,
        weight_decay=0.01,
        logging_steps=2,
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        remove_unused_columns=False,
    )
    trainer = HelpfulnessWeightedTrainer(
        model=model,
        args=args,
        train_dataset=train_rows,
        data_collator=ReviewCollator(tokenizer),
    )
    trainer.train()

    model.eval()
    batch = ReviewCollator(tokenizer)(eval_rows)
    with torch.no_grad():
        preds = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits.argmax(-1)
    for row, pred in zip(eval_rows, preds.tolist()):
        print(f"{row['body']!r}: predicted {pred + 1} stars, actual {row['stars']}")


if __name__ == "__main__":
    main()
