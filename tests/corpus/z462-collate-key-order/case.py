import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import TensorDataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments, set_seed)

set_seed(42)
random.seed(42)

INTENTS = ["book_flight", "cancel_order", "check_weather"]
TEMPLATES = {
    "book_flight": ["book a flight to {}", "i need a ticket to {}", "fly me to {} please"],
    "cancel_order": ["cancel my order", "please cancel the order i made", "stop my order to {}"],
    "check_weather": ["what is the weather in {}", "is it raining in {}", "weather for {} today"],
}
CITIES = ["paris", "rome", "oslo", "lima", "cairo"]
MODEL_INPUTS = ["input_ids", "labels", "attention_mask"]
MAX_LEN = 12


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


def make_examples(n):
    rows = []
    for _ in range(n):
        intent = random.choice(INTENTS)
        text = random.choice(TEMPLATES[intent]).format(random.choice(CITIES))
        rows.append((text, INTENTS.index(intent)))
    return rows


def to_tensor_dataset(rows, tokenizer):
    enc = tokenizer([t for t, _ in rows], padding="max_length", truncation=True,
                    max_length=MAX_LEN, return_tensors="pt")
    labels = torch.tensor([y for _, y in rows], dtype=torch.long)
    return TensorDataset(enc["input_ids"], enc["attention_mask"], labels)


def collate(rows):
    columns = [torch.stack(col) for col in zip(*rows)]
    return dict(zip(MODEL_INPUTS, columns))


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    return {"accuracy": float((np.argmax(logits, axis=-1) == labels).mean())}


train_rows, eval_rows = make_examples(40), make_examples(12)
tokenizer = build_tokenizer([t for t, _ in train_rows + eval_rows])
train_ds = to_tensor_dataset(train_rows, tokenizer)
eval_ds = to_tensor_dataset(eval_rows, tokenizer)

config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                    num_labels=len(INTENTS))
model = BertForSequenceClassification(config)

args = TrainingArguments(
    output_dir=tempfile.mkdtemp(),
    per_device_train_batch_size=8,
    per_device_eval_batch_size=8,
    num_train_epochs=2,
    learning_rate=5e-4,
    logging_steps=5,
    eval_strategy="epoch",
    save_strategy="no",
    report_to="none",
    use_cpu=True,
)

trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                  data_collator=collate, compute_metrics=compute_metrics)
trainer.train()
print(trainer.evaluate())
