import os
import random
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

STARS = [1, 2, 3, 4, 5]
WORDS = ["room", "clean", "dirty", "staff", "friendly", "rude", "breakfast", "great",
         "awful", "view", "noisy", "quiet", "bed", "comfy", "pool", "cold", "stay", "again"]

workdir = tempfile.mkdtemp()
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
tokenizer = BertTokenizer(vocab_path)


def make_example(text, score):
    example = tokenizer(text, truncation=True, max_length=16, padding="max_length")
    example["labels"] = score
    return example


class HotelReviews(Dataset):
    def __init__(self, reviews):
        self.examples = [make_example(text, stars) for text, stars in reviews]

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, idx):
        return {key: torch.tensor(value) for key, value in self.examples[idx].items()}


def fake_reviews(n, seed=0):
    rng = random.Random(seed)
    return [(" ".join(rng.choices(WORDS, k=rng.randint(4, 10))), rng.choice(STARS))
            for _ in range(n)]


config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                    num_labels=len(STARS))
model = BertForSequenceClassification(config)

args = TrainingArguments(
    output_dir=os.path.join(workdir, "out"),
    per_device_train_batch_size=8,
    num_train_epochs=1,
    learning_rate=5e-4,
    disable_tqdm=True,
    report_to=[],
    use_cpu=True,
    save_strategy="no",
    logging_steps=2,
)

trainer = Trainer(model=model, args=args, train_dataset=HotelReviews(fake_reviews(32)))
result = trainer.train()
print(f"final training loss: {result.training_loss:.4f}")
