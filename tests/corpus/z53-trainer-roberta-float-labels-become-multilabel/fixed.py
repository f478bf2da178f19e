"""Clickbait detection: a small RoBERTa-style classifier fine-tuned with transformers.Trainer.

Ported from an earlier single-logit model trained with BCEWithLogitsLoss; the dataset class is kept and the
model now has two outputs (not clickbait / clickbait) with its own loss.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.utils.data import Dataset
from transformers import (BertTokenizer, DataCollatorWithPadding, RobertaConfig, RobertaForSequenceClassification,
                          Trainer, TrainingArguments)

torch.manual_seed(4)

HEADLINES = [
    ("you will not believe what this dog did next", 1), ("parliament passes the annual budget", 0),
    ("ten tricks doctors do not want you to know", 1), ("rain expected across the north on monday", 0),
    ("this one weird trick will change your life", 1), ("city council approves new bus routes", 0),
    ("what happened next will shock you", 1), ("university opens new science building", 0),
]


class ClickbaitDataset(Dataset):
    def __init__(self, rows, tokenizer, max_length=48):
        self.rows, self.tokenizer, self.max_length = rows, tokenizer, max_length

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, label = self.rows[idx]
        item = self.tokenizer(text, truncation=True, max_length=self.max_length)
        item["labels"] = torch.tensor(label)
        return item


workdir = tempfile.mkdtemp(prefix="clickbait-")
words = sorted({w for t, _ in HEADLINES for w in t.split()})
with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))

config = RobertaConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                       intermediate_size=64, max_position_embeddings=66, pad_token_id=tokenizer.pad_token_id,
                       type_vocab_size=1, num_labels=2)
model = RobertaForSequenceClassification(config)

args = TrainingArguments(output_dir=os.path.join(workdir, "out"), per_device_train_batch_size=4, num_train_epochs=3,
                         learning_rate=5e-4, save_strategy="no", report_to="none", use_cpu=True, disable_tqdm=True,
                         logging_steps=2)
trainer = Trainer(model=model, args=args, train_dataset=ClickbaitDataset(HEADLINES, tokenizer),
                  data_collator=DataCollatorWithPadding(tokenizer))
trainer.train()
