"""Support-ticket routing: fine-tune a small BERT with transformers.Trainer.

The annotation tool exports its label schema as JSON (class number -> queue name) next to the tickets; the
script reads the schema from there so that the model's id2label matches what the annotators saw.
"""
import json
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, DataCollatorWithPadding,
                          Trainer, TrainingArguments)

torch.manual_seed(0)

# export/schema.json from the annotation tool
SCHEMA_JSON = '{"classes": {"1": "billing", "2": "delivery", "3": "account"}}'

TICKETS = [
    ("i was charged twice for my order", "billing"),
    ("my parcel has not arrived yet", "delivery"),
    ("i cannot log in to my account", "account"),
    ("please refund the extra payment", "billing"),
    ("the courier left the box at the wrong door", "delivery"),
    ("how do i change my password", "account"),
    ("the invoice shows the wrong amount", "billing"),
    ("tracking says delivered but nothing came", "delivery"),
]

schema = json.loads(SCHEMA_JSON)
id2label = {int(number) - 1: name for number, name in schema["classes"].items()}
label2id = {name: number for number, name in id2label.items()}

workdir = tempfile.mkdtemp(prefix="tickets-")
words = sorted({w for text, _ in TICKETS for w in text.split()})
with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))


def to_features(text, queue):
    features = tokenizer(text, truncation=True, max_length=32)
    features["labels"] = label2id[queue]
    return features


train_set = [to_features(text, queue) for text, queue in TICKETS]

config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64,
                    num_labels=len(id2label), id2label=id2label, label2id=label2id)
model = BertForSequenceClassification(config)

args = TrainingArguments(output_dir=os.path.join(workdir, "out"), per_device_train_batch_size=4, num_train_epochs=2,
                         learning_rate=1e-3, report_to="none", use_cpu=True, save_strategy="no", disable_tqdm=True,
                         logging_strategy="no")
trainer = Trainer(model=model, args=args, train_dataset=train_set, data_collator=DataCollatorWithPadding(tokenizer))
trainer.train()
print("routing model trained:", model.config.id2label)
