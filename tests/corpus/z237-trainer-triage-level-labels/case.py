import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments, set_seed)

set_seed(0)
workdir = tempfile.mkdtemp()

NOTES = [
    ("cardiac arrest no pulse cpr in progress", 1),
    ("unresponsive patient not breathing", 1),
    ("chest pain radiating to left arm sweating", 2),
    ("severe shortness of breath lips blue", 2),
    ("stroke symptoms facial droop slurred speech", 2),
    ("high fever and confusion in elderly patient", 2),
    ("abdominal pain vomiting for two days", 3),
    ("broken arm after fall deformity", 3),
    ("asthma attack inhaler not helping", 3),
    ("deep cut on hand bleeding controlled", 3),
    ("ankle sprain swelling able to walk", 4),
    ("ear pain since yesterday mild fever", 4),
    ("sore throat and cough for three days", 4),
    ("urinary pain no fever", 4),
    ("prescription refill request", 5),
    ("rash on arm no other symptoms", 5),
    ("suture removal appointment", 5),
    ("mild cold runny nose", 5),
] * 2

words = sorted({w for text, _ in NOTES for w in text.split()})
vocab_path = os.path.join(workdir, "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tok = BertTokenizer(vocab_path)

ESI_LEVELS = [1, 2, 3, 4, 5]


def encode_note(text, level):
    enc = tok(text, truncation=True, max_length=24, padding="max_length")
    enc["labels"] = level
    return enc


class TriageNotes(Dataset):
    def __init__(self, rows):
        self.items = [encode_note(text, level) for text, level in rows]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return {k: torch.tensor(v) for k, v in self.items[idx].items()}


split = int(len(NOTES) * 0.8)
train_ds = TriageNotes(NOTES[:split])
eval_ds = TriageNotes(NOTES[split:])

cfg = BertConfig(
    vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
    intermediate_size=64, max_position_embeddings=64, num_labels=len(ESI_LEVELS),
)
model = BertForSequenceClassification(cfg)

args = TrainingArguments(
    output_dir=os.path.join(workdir, "out"),
    per_device_train_batch_size=8,
    per_device_eval_batch_size=8,
    num_train_epochs=1,
    learning_rate=5e-4,
    logging_steps=2,
    save_strategy="no",
    disable_tqdm=True,
    report_to=[],
    use_cpu=True,
)

trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds)
trainer.train()
metrics = trainer.evaluate()
print("eval loss:", round(metrics["eval_loss"], 4))
