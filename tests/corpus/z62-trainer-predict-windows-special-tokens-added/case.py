"""Score long customer reviews with a fine-tuned BERT sentiment model via Trainer.predict.

Reviews can be longer than the model's position table, so each review is cut into windows of WINDOW word
pieces, every window is scored, and the review gets the mean of its windows' logits.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, DataCollatorWithPadding,
                          Trainer, TrainingArguments)

torch.manual_seed(0)
SENTIMENTS = ["negative", "positive"]

REVIEWS = [
    "great blender strong motor and easy to clean",
    " ".join(["the lid cracked after a week and the motor smells when it runs"] * 6),
    "arrived late but works fine",
]

workdir = tempfile.mkdtemp(prefix="reviews-")
vocab = sorted({w for r in REVIEWS for w in r.split()})
with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=len(SENTIMENTS))
model = BertForSequenceClassification(config).eval()   # stands in for the fine-tuned checkpoint

WINDOW = config.max_position_embeddings


class WindowDataset(Dataset):
    """One item per window; owner[i] is the review the i-th window comes from."""

    def __init__(self, texts):
        self.items, self.owner = [], []
        for n, text in enumerate(texts):
            pieces = tokenizer(text, add_special_tokens=False)["input_ids"]
            for start in range(0, len(pieces), WINDOW):
                ids = [tokenizer.cls_token_id] + pieces[start:start + WINDOW] + [tokenizer.sep_token_id]
                self.items.append({"input_ids": ids, "attention_mask": [1] * len(ids)})
                self.owner.append(n)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


windows = WindowDataset(REVIEWS)
args = TrainingArguments(output_dir=os.path.join(workdir, "out"), per_device_eval_batch_size=4, report_to="none",
                         use_cpu=True, disable_tqdm=True)
trainer = Trainer(model=model, args=args, data_collator=DataCollatorWithPadding(tokenizer))
logits = trainer.predict(windows).predictions
owner = np.array(windows.owner)
for n, text in enumerate(REVIEWS):
    review_logits = logits[owner == n].mean(axis=0)
    print(f"{SENTIMENTS[int(review_logits.argmax())]:>8}  {text[:50]}")
