"""Train a tiny BERT intent classifier for a support chatbot with the HF Trainer."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, Trainer, TrainingArguments

torch.manual_seed(0)
WORK = tempfile.mkdtemp()

UTTERANCES = [
    ("where is my order", "track_order"),
    ("i want to cancel my subscription right now please", "cancel"),
    ("reset my password", "account"),
    ("can you tell me when the parcel will arrive at my address", "track_order"),
    ("cancel it", "cancel"),
    ("i forgot the login email for my account", "account"),
    ("track the package", "track_order"),
    ("stop the monthly plan", "cancel"),
]
INTENTS = sorted({intent for _, intent in UTTERANCES})
intent2id = {name: i for i, name in enumerate(INTENTS)}

words = sorted({w for text, _ in UTTERANCES for w in text.split()})
vocab_path = os.path.join(WORK, "vocab.txt")
with open(vocab_path, "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(vocab_path)


def build_train_set(rows):
    """Tokenize once up front; padding is left to batching time."""
    enc = tokenizer([text for text, _ in rows], truncation=True, max_length=32)
    return [
        {"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i],
         "labels": intent2id[intent]}
        for i, (_, intent) in enumerate(rows)
    ]


train_set = build_train_set(UTTERANCES)

config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=64, num_labels=len(INTENTS))
model = BertForSequenceClassification(config)

args = TrainingArguments(output_dir=os.path.join(WORK, "out"), report_to=[], use_cpu=True, save_strategy="no",
                         disable_tqdm=True, max_steps=3, per_device_train_batch_size=4, learning_rate=5e-4, seed=0)
trainer = Trainer(
    model=model,
    args=args,
    train_dataset=train_set,
)
trainer.train()
print("trained intents:", INTENTS)
