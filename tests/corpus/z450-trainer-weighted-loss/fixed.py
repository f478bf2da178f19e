import argparse
import os
import random
import tempfile
from collections import Counter

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizerFast,
                          DataCollatorWithPadding, Trainer, TrainingArguments, set_seed)

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--batch_size", type=int, default=8)
parser.add_argument("--lr", type=float, default=5e-4)
parser.add_argument("--seed", type=int, default=42)
args = parser.parse_args()
set_seed(args.seed)
random.seed(args.seed)

TOPICS = {
    "billing": ["invoice", "charge", "refund", "payment", "card"],
    "shipping": ["package", "delivery", "courier", "tracking", "late"],
    "account": ["password", "login", "email", "profile", "locked"],
    "other": ["question", "hello", "thanks", "feedback", "idea"],
}
COMMON = ["my", "the", "is", "not", "please", "help", "with", "i", "need", "a"]
label_names = list(TOPICS)
label2id = {name: i for i, name in enumerate(label_names)}

# imbalanced toy support-ticket data
counts = {"billing": 30, "shipping": 20, "account": 10, "other": 4}
tickets = []
for topic, n in counts.items():
    for _ in range(n):
        words = random.choices(COMMON, k=5) + random.choices(TOPICS[topic], k=2)
        random.shuffle(words)
        tickets.append({"text": " ".join(words), "label": label2id[topic]})
random.shuffle(tickets)

vocab_dir = tempfile.mkdtemp()
with open(os.path.join(vocab_dir, "vocab.txt"), "w") as f:
    words = sorted({w for ws in TOPICS.values() for w in ws} | set(COMMON))
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
tokenizer = BertTokenizerFast(os.path.join(vocab_dir, "vocab.txt"))


class TicketDataset(Dataset):
    def __init__(self, rows):
        self.enc = tokenizer([r["text"] for r in rows], truncation=True, max_length=32)
        self.labels = [r["label"] for r in rows]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.labels[i]
        return item


train_rows, eval_rows = tickets[:48], tickets[48:]
label_freq = Counter(r["label"] for r in train_rows)
class_weights = torch.tensor(
    [len(train_rows) / (len(label_names) * max(label_freq[i], 1)) for i in range(len(label_names))],
    dtype=torch.float,
)
print("class weights:", [round(w, 2) for w in class_weights.tolist()])


class WeightedTrainer(Trainer):
    def __init__(self, *a, class_weights=None, **kw):
        super().__init__(*a, **kw)
        self.class_weights = class_weights

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        per_example = F.cross_entropy(outputs.logits, labels, reduction="none")
        weights = self.class_weights.to(per_example.device)[labels]
        loss = (per_example * weights).sum() / weights.sum()
        return (loss, outputs) if return_outputs else loss


config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                    num_labels=len(label_names), id2label=dict(enumerate(label_names)),
                    label2id=label2id)
model = BertForSequenceClassification(config)

training_args = TrainingArguments(
    output_dir=tempfile.mkdtemp(),
    num_train_epochs=args.epochs,
    per_device_train_batch_size=args.batch_size,
    per_device_eval_batch_size=args.batch_size,
    learning_rate=args.lr,
    eval_strategy="epoch",
    save_strategy="no",
    logging_steps=2,
    report_to="none",
    seed=args.seed,
    use_cpu=True,
    disable_tqdm=True,
)

trainer = WeightedTrainer(
    model=model,
    args=training_args,
    train_dataset=TicketDataset(train_rows),
    eval_dataset=TicketDataset(eval_rows),
    data_collator=DataCollatorWithPadding(tokenizer),
    class_weights=class_weights,
)
trainer.train()
print(trainer.evaluate())
