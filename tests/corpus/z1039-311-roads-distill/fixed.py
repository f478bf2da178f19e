"""Hard-label distillation for a city 311 request router (transformers Trainer).

The city-wide teacher routes requests to eight service categories. The roads
department gets a smaller student that only handles its own four categories.
The student learns from its gold labels plus the teacher's argmax predictions.

    B = batch size, T = padded length, C_t = teacher classes, C_s = student classes
"""
import os
import tempfile

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments, set_seed)

set_seed(5)

CITY_CATEGORIES = ["graffiti", "noise", "pothole", "missed_trash", "streetlight",
                   "water_leak", "abandoned_vehicle", "tree_down"]
ROADS_CATEGORIES = ["pothole", "streetlight", "abandoned_vehicle", "tree_down"]

REQUESTS = [
    ("deep pothole in right lane near the bus stop", "pothole"),
    ("streetlight out on the corner for a week", "streetlight"),
    ("car with flat tires parked here for a month", "abandoned_vehicle"),
    ("large branch fell across the road after the storm", "tree_down"),
    ("pothole damaged my tire on the bridge ramp", "pothole"),
    ("light pole flickering all night by the park", "streetlight"),
    ("van without plates left on the road shoulder", "abandoned_vehicle"),
    ("tree down blocking both lanes", "tree_down"),
]


def build_tokenizer():
    words = sorted({w for text, _ in REQUESTS for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class RoadsRequests(Dataset):
    def __init__(self, rows, tokenizer):
        self.rows, self.tok = rows, tokenizer
        self.label2id = {name: i for i, name in enumerate(ROADS_CATEGORIES)}

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, category = self.rows[i]
        feats = self.tok(text)
        feats["labels"] = self.label2id[category]
        return feats


def tiny_classifier(vocab_size, names):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(names), id2label=dict(enumerate(names)),
                     label2id={n: i for i, n in enumerate(names)})
    return BertForSequenceClassification(cfg)


class HardDistillTrainer(Trainer):
    def __init__(self, *args, teacher=None, alpha=0.5, **kwargs):
        super().__init__(*args, **kwargs)
        self.teacher = teacher.eval()
        self.alpha = alpha
        # teacher column of each student class, in student id order
        student_names = [self.model.config.id2label[i] for i in range(self.model.config.num_labels)]
        self.teacher_cols = torch.tensor([teacher.config.label2id[n] for n in student_names])

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        gold = inputs.pop("labels")                     # (B,)
        outputs = model(**inputs)
        student_logits = outputs.logits                 # (B, C_s)
        with torch.no_grad():
            teacher_logits = self.teacher(**inputs).logits  # (B, C_t)
        assert teacher_logits.shape[0] == student_logits.shape[0] == gold.shape[0]
        pseudo = teacher_logits[:, self.teacher_cols].argmax(dim=-1)  # (B,), student ids
        assert pseudo.shape == gold.shape
        loss = (1 - self.alpha) * F.cross_entropy(student_logits, gold) \
            + self.alpha * F.cross_entropy(student_logits, pseudo)
        return (loss, outputs) if return_outputs else loss


def main():
    tok = build_tokenizer()
    teacher = tiny_classifier(len(tok), CITY_CATEGORIES)   # stands in for the fine-tuned city model
    student = tiny_classifier(len(tok), ROADS_CATEGORIES)
    print(f"teacher classes: {teacher.config.num_labels}, student classes: {student.config.num_labels}")

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4,
                             num_train_epochs=2, learning_rate=3e-3, logging_steps=1,
                             save_strategy="no", use_cpu=True, disable_tqdm=True, report_to=[])
    trainer = HardDistillTrainer(model=student, args=args, teacher=teacher,
                                 train_dataset=RoadsRequests(REQUESTS, tok),
                                 data_collator=DataCollatorWithPadding(tok))
    result = trainer.train()
    print(f"final training loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
