"""Ticket priority classifier: a Trainer subclass with a class-weighted loss (the urgent tickets are rare)."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, Trainer, TrainingArguments

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "printer", "is", "broken", "server", "down", "for",
         "everyone", "password", "reset", "please", "new", "mouse", "vpn", "not", "working", "email", "slow"]
PRIORITY = {"low": 0, "normal": 1, "high": 2, "urgent": 3}

tickets = [("printer is broken", "normal"), ("server down for everyone", "urgent"), ("new mouse please", "low"),
           ("password reset please", "normal"), ("vpn not working", "high"), ("email is slow", "low"),
           ("email server down", "urgent"), ("printer not working", "high")]

run_dir = tempfile.mkdtemp()
vocab_path = os.path.join(run_dir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(VOCAB) + "\n")
tok = BertTokenizer(vocab_path)


class TicketDataset(Dataset):
    def __init__(self, rows, max_length=16):
        self.rows = rows
        self.max_length = max_length

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, prio = self.rows[i]
        enc = tok(text, padding="max_length", truncation=True, max_length=self.max_length, return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(PRIORITY[prio])
        return item


class WeightedTrainer(Trainer):
    def __init__(self, *args, class_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.class_weights = class_weights

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        loss = F.cross_entropy(outputs.logits, labels, weight=self.class_weights)
        return (loss, outputs) if return_outputs else loss


label_ids = [PRIORITY[p] for _, p in tickets]
num_labels = max(label_ids)
class_weights = torch.tensor([len(label_ids) / max(1, label_ids.count(c)) for c in range(num_labels)])

config = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=37, max_position_embeddings=32, num_labels=num_labels)
model = BertForSequenceClassification(config)
args = TrainingArguments(output_dir=run_dir, per_device_train_batch_size=4, num_train_epochs=1, report_to=[],
                         use_cpu=True, save_strategy="no", disable_tqdm=True)
trainer = WeightedTrainer(model=model, args=args, train_dataset=TicketDataset(tickets), class_weights=class_weights)
trainer.train()
print("trained")
