"""Fine-tune a tiny BERT ticket classifier whose classes are (product area, issue kind) combinations."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizerFast,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

torch.manual_seed(0)
WORKDIR = tempfile.mkdtemp()

AREAS = ["billing", "shipping", "app"]
ISSUE_KINDS = ["question", "complaint"]

TICKETS = [
    ("why was i charged twice this month", "billing", "complaint"),
    ("how do i update my card details", "billing", "question"),
    ("my parcel is three weeks late", "shipping", "complaint"),
    ("do you ship to norway", "shipping", "question"),
    ("the app crashes when i open settings", "app", "complaint"),
    ("how do i turn on dark mode", "app", "question"),
    ("refund still not received after cancelling", "billing", "complaint"),
    ("can i change the delivery address", "shipping", "question"),
]


def class_id(area, kind):
    """One flat class per (area, kind) pair, area-major."""
    return AREAS.index(area) * len(ISSUE_KINDS) + ISSUE_KINDS.index(kind)


def write_vocab(folder, texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class TicketDataset(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer):
        self.encodings = tokenizer([text for text, _, _ in rows], truncation=True, max_length=32)
        self.targets = [class_id(area, kind) for _, area, kind in rows]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {key: values[i] for key, values in self.encodings.items()}
        item["labels"] = self.targets[i]
        return item


tokenizer = BertTokenizerFast(write_vocab(WORKDIR, [t for t, _, _ in TICKETS]))
train_ds = TicketDataset(TICKETS, tokenizer)

num_classes = len(AREAS) * len(ISSUE_KINDS)
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=37, max_position_embeddings=64, num_labels=num_classes)
model = BertForSequenceClassification(config)

args = TrainingArguments(
    output_dir=os.path.join(WORKDIR, "runs"),
    per_device_train_batch_size=8,
    max_steps=2,
    learning_rate=3e-4,
    save_strategy="no",
    report_to=[],
    use_cpu=True,
    disable_tqdm=True,
    logging_steps=1,
)
trainer = Trainer(model=model, args=args, train_dataset=train_ds,
                  data_collator=DataCollatorWithPadding(tokenizer))
trainer.train()
print("classes:", [f"{a}/{k}" for a in AREAS for k in ISSUE_KINDS])
