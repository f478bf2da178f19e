import os
import tempfile

import torch
from torch.nn.utils.rnn import pad_sequence
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments, set_seed)

set_seed(7)

LABELS = ["billing", "shipping", "account"]
TICKETS = [
    ("my invoice shows the wrong amount", "billing"),
    ("i was charged twice this month", "billing"),
    ("refund has not arrived yet", "billing"),
    ("where is my package", "shipping"),
    ("the parcel arrived damaged", "shipping"),
    ("tracking number does not work", "shipping"),
    ("i cannot log in to my account", "account"),
    ("please reset my password", "account"),
    ("how do i change my email address", "account"),
    ("delivery is late again and nobody answers", "shipping"),
    ("cancel my subscription and refund me", "billing"),
    ("my account was locked after the update", "account"),
]


def build_tokenizer():
    words = sorted({w for text, _ in TICKETS for w in text.split()})
    d = tempfile.mkdtemp()
    path = os.path.join(d, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


tok = build_tokenizer()
label2id = {l: i for i, l in enumerate(LABELS)}


def encode(rows):
    out = []
    for text, lab in rows:
        ids = tok(text, truncation=True, max_length=32)["input_ids"]
        out.append({"input_ids": ids, "label": label2id[lab]})
    return out


train_data = encode(TICKETS[:8])
eval_data = encode(TICKETS[8:])


def collate(features):
    ids = [torch.tensor(f["input_ids"], dtype=torch.long) for f in features]
    mask = [torch.ones(len(x), dtype=torch.long) for x in ids]
    return {
        "input_ids": pad_sequence(ids, batch_first=True, padding_value=tok.pad_token_id),
        "attention_mask": pad_sequence(mask, batch_first=True, padding_value=0),
        "labels": torch.tensor([f["label"] for f in features], dtype=torch.long),
    }


config = BertConfig(
    vocab_size=tok.vocab_size,
    hidden_size=48,
    num_hidden_layers=2,
    num_attention_heads=4,
    intermediate_size=96,
    max_position_embeddings=64,
    num_labels=len(LABELS),
    id2label=dict(enumerate(LABELS)),
    label2id=label2id,
)
model = BertForSequenceClassification(config)

args = TrainingArguments(
    output_dir=tempfile.mkdtemp(),
    per_device_train_batch_size=4,
    per_device_eval_batch_size=4,
    num_train_epochs=2,
    learning_rate=1e-3,
    logging_steps=1,
    save_strategy="no",
    eval_strategy="epoch",
    report_to="none",
    use_cpu=True,
    seed=7,
)

trainer = Trainer(
    model=model,
    args=args,
    train_dataset=train_data,
    eval_dataset=eval_data,
    data_collator=collate,
)
trainer.train()
metrics = trainer.evaluate()
print({k: round(v, 4) for k, v in metrics.items() if isinstance(v, float)})
