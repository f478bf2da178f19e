"""Route veterinary intake notes to a service (derm / ortho / dental / cardio).
Stratified hold-out, tiny BERT, HF Trainer."""
import logging
import os
import random
import re
import tempfile
from collections import Counter
from itertools import groupby

import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, DataCollatorWithPadding,
                          Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("vet-triage")
random.seed(3)
np.random.seed(3)
torch.manual_seed(3)

SERVICES = ["dermatology", "orthopedics", "dentistry", "cardiology", "avian"]
NOTES = [
    ("dog scratching constantly hair loss on flanks", 0),
    ("cockatiel plucking feathers and not perching", 4),
    ("limping on left hind leg after jumping off sofa", 1),
    ("bad breath and red swollen gums", 2),
    ("coughing at night and tires quickly on walks", 3),
    ("itchy paws and red skin between toes", 0),
    ("cat reluctant to jump stiff after resting", 1),
    ("broken canine tooth after chewing bone", 2),
    ("heart murmur found at vaccination visit", 3),
    ("scabs and crusts along the back after flea season", 0),
    ("swollen knee cannot bear weight", 1),
    ("drooling and dropping food while eating", 2),
    ("fainting episode during play fast breathing", 3),
    ("hot spot on neck oozing and smelly", 0),
    ("old dog slow to rise hips look sore", 1),
    ("tartar buildup loose molars", 2),
    ("blue tinged gums and irregular pulse", 3),
    ("ear flaps greasy with dark discharge and scratching", 0),
    ("toe nail torn and paw swollen", 1),
    ("kitten with retained baby teeth", 2),
    ("distended belly and cough in older cavalier", 3),
    ("ringworm suspected circular bald patches", 0),
    ("lameness comes and goes in front leg", 1),
    ("cat pawing at mouth will not eat dry food", 2),
    ("exercise intolerance and collapse on stairs", 3),
]


def stratified_split(labels, val_frac=0.25, min_count=2, seed=13):
    """Per-class hold-out; classes with fewer than `min_count` examples are left out."""
    counts = Counter(labels)
    kept = sorted((i for i, y in enumerate(labels) if counts[y] >= min_count), key=lambda i: labels[i])
    dropped = sorted(c for c, n in counts.items() if n < min_count)
    if dropped:
        log.info("too rare to stratify, excluded: %s", [SERVICES[c] for c in dropped])
    ranked = [labels[i] for i in kept]
    rng = random.Random(seed)
    train_pos, val_pos = [], []
    for _, grp in groupby(range(len(ranked)), key=ranked.__getitem__):
        members = list(grp)
        rng.shuffle(members)
        n_val = max(1, round(len(members) * val_frac))
        val_pos += members[:n_val]
        train_pos += members[n_val:]
    return train_pos, val_pos, sorted(set(ranked))


class IntakeNotes(torch.utils.data.Dataset):
    def __init__(self, rows, tokenizer, max_len=32):
        self.enc = [tokenizer(text, truncation=True, max_length=max_len) for text, _ in rows]
        self.y = [label for _, label in rows]

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return {**self.enc[i], "labels": self.y[i]}


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in re.findall(r"[a-z]+", t)})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def accuracy(eval_pred):
    logits, gold = eval_pred
    return {"accuracy": float((np.argmax(logits, -1) == gold).mean())}


def main():
    tok = build_tokenizer([t for t, _ in NOTES])
    train_idx, val_idx, classes = stratified_split([y for _, y in NOTES])
    log.info("train %d / val %d notes, %d services", len(train_idx), len(val_idx), len(classes))
    train_ds = IntakeNotes([NOTES[i] for i in train_idx], tok)
    val_ds = IntakeNotes([NOTES[i] for i in val_idx], tok)

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=len(classes))
    model = BertForSequenceClassification(cfg)
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4,
                             per_device_eval_batch_size=8, num_train_epochs=3, learning_rate=1e-3,
                             logging_steps=5, save_strategy="no", use_cpu=True, disable_tqdm=True,
                             report_to=[], seed=3)
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=val_ds,
                      data_collator=DataCollatorWithPadding(tok), compute_metrics=accuracy)
    trainer.train()
    metrics = trainer.evaluate()
    print(f"{'metric':<14}{'value':>10}")
    for key in ("eval_loss", "eval_accuracy"):
        print(f"{key:<14}{metrics[key]:>10.4f}")


if __name__ == "__main__":
    main()
