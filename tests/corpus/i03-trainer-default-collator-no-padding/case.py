"""Review sentiment with transformers.Trainer: each review is tokenized on its own in the Dataset."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, Trainer, TrainingArguments,
                          default_data_collator)

torch.manual_seed(0)
WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "great", "movie", "terrible", "plot", "loved", "it",
         "boring", "and", "too", "long", "acting", "was", "fine"]
workdir = tempfile.mkdtemp()
with open(os.path.join(workdir, "vocab.txt"), "w") as f:
    f.write("\n".join(WORDS) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))


class ReviewDataset(Dataset):
    def __init__(self, reviews, stars):
        self.reviews, self.stars = reviews, stars

    def __len__(self):
        return len(self.reviews)

    def __getitem__(self, i):
        enc = tokenizer(self.reviews[i], truncation=True, max_length=24)
        return {"input_ids": torch.tensor(enc["input_ids"]),
                "attention_mask": torch.tensor(enc["attention_mask"]),
                "labels": torch.tensor(int(self.stars[i] >= 3))}


reviews = ["great movie", "terrible plot and too long", "loved it", "boring", "acting was fine"]
stars = [5, 1, 4, 2, 3]
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=32)
model = BertForSequenceClassification(config)
args = TrainingArguments(output_dir=workdir, per_device_train_batch_size=2, num_train_epochs=1, report_to=[],
                         use_cpu=True, save_strategy="no", disable_tqdm=True)
trainer = Trainer(model=model, args=args, train_dataset=ReviewDataset(reviews, stars),
                  data_collator=default_data_collator)
trainer.train()
print("trained")
