"""Distil the old triage classifier into a small student for the clinic tablets.

The teacher was fine-tuned last year; the student is trained on this year's
intake notes with a soft-target KL term plus the usual cross entropy.
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

torch.manual_seed(7)
WORKDIR = tempfile.mkdtemp(prefix="vet_distill_")

# legacy taxonomy the teacher was trained with
LEGACY_TRIAGE = ["administrative", "urgent", "routine", "emergency", "dental",
                 "deceased_on_arrival", "follow_up"]
# current intake taxonomy
TRIAGE = ["emergency", "urgent", "routine", "follow_up", "dental"]

NOTES = [
    ("dog hit by car labored breathing pale gums", "emergency"),
    ("cat vomiting twice since morning still eating", "urgent"),
    ("annual vaccination booster due", "routine"),
    ("recheck sutures after spay ten days", "follow_up"),
    ("broken canine tooth bleeding slightly", "dental"),
    ("rabbit not eating for two days gut stasis", "urgent"),
    ("puppy seizure lasting five minutes", "emergency"),
    ("nail trim and weight check", "routine"),
    ("tartar buildup bad breath scaling", "dental"),
    ("recheck ear infection after drops", "follow_up"),
]

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(
    {w for text, _ in NOTES for w in text.split()})


def build_tokenizer():
    path = os.path.join(WORKDIR, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(path)


def tiny_config(labels):
    return BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1,
                      num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                      num_labels=len(labels), id2label=dict(enumerate(labels)),
                      label2id={name: i for i, name in enumerate(labels)})


def load_teacher():
    # stands in for the checkpoint on the shared drive
    ckpt = os.path.join(WORKDIR, "teacher")
    BertForSequenceClassification(tiny_config(LEGACY_TRIAGE)).save_pretrained(ckpt)
    teacher = BertForSequenceClassification.from_pretrained(ckpt)
    teacher.eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    print(f"teacher loaded: {teacher.config.num_labels} outputs")
    return teacher


class IntakeNotes(Dataset):
    def __init__(self, rows, tok):
        self.enc = tok([t for t, _ in rows], padding="max_length", max_length=16,
                       truncation=True, return_tensors="pt")
        self.y = torch.tensor([TRIAGE.index(lbl) for _, lbl in rows])

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.y[i]
        return item


class DistilTrainer(Trainer):
    def __init__(self, *args, teacher=None, temperature=2.0, alpha=0.5, **kw):
        super().__init__(*args, **kw)
        self.teacher = teacher
        self.temperature = temperature
        self.alpha = alpha
        # teacher columns re-ordered into the student's class list
        self.teacher_cols = torch.tensor(
            [teacher.config.label2id[name] for name in TRIAGE])

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        out = model(**inputs)
        feats = {k: v for k, v in inputs.items() if k != "labels"}
        with torch.no_grad():
            t_logits = self.teacher(**feats).logits
            t_logits = t_logits.index_select(-1, self.teacher_cols.to(t_logits.device))
        T = self.temperature
        soft = F.kl_div(F.log_softmax(out.logits / T, dim=-1),
                        F.softmax(t_logits / T, dim=-1),
                        reduction="batchmean") * T * T
        loss = self.alpha * soft + (1 - self.alpha) * out.loss
        return (loss, out) if return_outputs else loss


def main():
    tok = build_tokenizer()
    teacher = load_teacher()
    student = BertForSequenceClassification(tiny_config(TRIAGE))
    train_ds = IntakeNotes(NOTES, tok)
    print(f"{len(train_ds)} notes, {len(TRIAGE)} triage classes")

    args = TrainingArguments(output_dir=os.path.join(WORKDIR, "student"), num_train_epochs=2,
                             per_device_train_batch_size=4, learning_rate=5e-4,
                             logging_steps=1, save_strategy="no", use_cpu=True,
                             disable_tqdm=True, report_to=[])
    trainer = DistilTrainer(model=student, args=args, train_dataset=train_ds,
                            teacher=teacher, temperature=2.0, alpha=0.7)
    trainer.train()
    student.save_pretrained(os.path.join(WORKDIR, "student_final"))
    print("student saved")


if __name__ == "__main__":
    main()
