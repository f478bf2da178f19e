"""Route veterinary clinic intake notes to a service line, with a logit-adjusted loss
(Menon et al. 2021) so the rare service lines are not drowned out by routine visits."""
import os
import tempfile
from collections import Counter

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

torch.manual_seed(0)

SERVICE_LINES = ["wellness", "dermatology", "orthopedics", "emergency", "dentistry", "exotics"]

TRAIN = [
    ("annual vaccines due for the dog", 0), ("puppy booster and deworming", 0),
    ("cat needs yearly checkup and vaccines", 0), ("routine wellness visit for senior dog", 0),
    ("itchy skin and hair loss on the back", 1), ("red rash between the toes", 1),
    ("limping on the left hind leg", 2), ("swollen knee after jumping off the sofa", 2),
    ("hit by a car and bleeding", 3), ("ate chocolate and is vomiting", 3),
    ("bad breath and broken tooth", 4), ("tartar on the molars", 4),
    ("rabbit stopped eating hay", 5), ("parrot plucking its feathers", 5),
    ("kitten first vaccines", 0), ("dog scratching ears constantly", 1),
]
VALID = [
    ("dog needs rabies vaccine", 0), ("cat flaky skin and scratching", 1),
    ("dog collapsed and breathing fast", 3), ("yearly checkup for the cat", 0),
    ("hair loss around the eyes", 1), ("swallowed a sock and is vomiting", 3),
]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.lower().split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class IntakeNotes(Dataset):
    def __init__(self, rows, tokenizer):
        self.rows = rows
        self.enc = tokenizer([t for t, _ in rows], padding="max_length", max_length=16,
                             truncation=True, return_tensors="pt")

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.rows[i][1])
        return item


def class_log_prior(rows):
    counts = Counter(lbl for _, lbl in rows)
    freq = np.array([counts[c] for c in sorted(counts)], dtype=np.float32)
    return torch.log(torch.from_numpy(freq / freq.sum()))


class LogitAdjustedTrainer(Trainer):
    def __init__(self, *args, log_prior=None, tau=1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.log_prior = log_prior
        self.tau = tau

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        targets = inputs.pop("labels")
        outputs = model(**inputs)
        adjusted = outputs.logits + self.tau * self.log_prior.to(outputs.logits.device)
        loss = F.cross_entropy(adjusted, targets)
        return (loss, outputs) if return_outputs else loss


def main():
    tok = BertTokenizer(write_vocab([t for t, _ in TRAIN + VALID]))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                     num_labels=len(SERVICE_LINES))
    model = BertForSequenceClassification(cfg)

    train_ds, valid_ds = IntakeNotes(TRAIN, tok), IntakeNotes(VALID, tok)
    log_prior = class_log_prior(TRAIN)
    print("log prior per service line:", [round(v, 2) for v in log_prior.tolist()])

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=2,
                             per_device_train_batch_size=4, learning_rate=5e-4,
                             save_strategy="no", logging_steps=2, use_cpu=True,
                             disable_tqdm=True, report_to=[])
    trainer = LogitAdjustedTrainer(model=model, args=args, train_dataset=train_ds,
                                   log_prior=log_prior, tau=1.0)
    trainer.train()

    preds = trainer.predict(valid_ds).predictions.argmax(-1)
    acc = (preds == np.array([l for _, l in VALID])).mean()
    print(f"validation accuracy: {acc:.2f}")


if __name__ == "__main__":
    main()
