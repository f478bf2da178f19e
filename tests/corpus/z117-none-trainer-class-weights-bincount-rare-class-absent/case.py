"""Imbalanced support-ticket priority classifier: BERT + HF Trainer with a class-weighted loss."""
import os
import tempfile

import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, DataCollatorWithPadding,
                          Trainer, TrainingArguments)

PRIORITIES = ["low", "normal", "high", "critical"]
TICKETS = [
    ("printer on floor two is out of paper", "low"), ("please update my email signature", "low"),
    ("vpn drops every few minutes", "normal"), ("cannot open shared drive folder", "normal"),
    ("laptop fan very loud", "low"), ("outlook keeps asking for password", "normal"),
    ("payroll system down for everyone", "high"), ("new monitor request for desk", "low"),
    ("website checkout returns error", "high"), ("need access to the sales dashboard", "normal"),
]
NUM_LABELS = len(PRIORITIES)


def class_weights(label_ids):
    counts = np.bincount(label_ids)
    weights = counts.sum() / (len(counts) * counts)
    return torch.tensor(weights, dtype=torch.float)


class WeightedTrainer(Trainer):
    def __init__(self, *args, loss_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_weights = loss_weights

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        loss = torch.nn.functional.cross_entropy(outputs.logits, labels, weight=self.loss_weights)
        return (loss, outputs) if return_outputs else loss


class TicketData(torch.utils.data.Dataset):
    def __init__(self, rows, tok):
        self.items = [{**tok(text), "labels": PRIORITIES.index(p)} for text, p in rows]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


if __name__ == "__main__":
    torch.manual_seed(0)
    tmp = tempfile.mkdtemp()
    with open(os.path.join(tmp, "vocab.txt"), "w") as f:
        words = sorted({w for t, _ in TICKETS for w in t.split()})
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(tmp, "vocab.txt"))
    model = BertForSequenceClassification(BertConfig(
        vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=64, num_labels=NUM_LABELS))
    train = TicketData(TICKETS, tok)
    weights = class_weights([item["labels"] for item in train.items])
    args = TrainingArguments(output_dir=tmp, per_device_train_batch_size=4, max_steps=3, report_to=[],
                             use_cpu=True, save_strategy="no", disable_tqdm=True, seed=0)
    trainer = WeightedTrainer(model=model, args=args, train_dataset=train,
                              data_collator=DataCollatorWithPadding(tok), loss_weights=weights)
    trainer.train()
    print("weights", weights.tolist())
