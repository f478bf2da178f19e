"""Fine-tune a tiny BERT to triage sewer CCTV survey notes into defect classes.

Notes come from the survey crews; the held-out split is the last survey of each
street so we can check the model on runs it has never seen.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

SEED = 7
DEFECT_CLASSES = ["roots", "crack", "collapse", "infiltration", "grease"]
LABEL2ID = {c: i for i, c in enumerate(DEFECT_CLASSES)}

SURVEYS = [
    ("elm-st", "fine roots entering at joint flow reduced", "roots"),
    ("elm-st", "longitudinal crack at crown no deformation", "crack"),
    ("elm-st", "fat deposits along invert camera submerged", "grease"),
    ("elm-st", "pipe collapsed soil visible no flow", "collapse"),
    ("mill-rd", "water jetting in at lateral connection", "infiltration"),
    ("mill-rd", "root mass at joint blocking half bore", "roots"),
    ("mill-rd", "fat deposits hardened on soffit", "grease"),
    ("mill-rd", "water weeping in at joint stains", "infiltration"),
    ("quay-ln", "circumferential crack near manhole", "crack"),
    ("quay-ln", "fat deposits and rags at invert", "grease"),
    ("quay-ln", "fine roots through lateral connection", "roots"),
    ("quay-ln", "water running in at crack at springing", "infiltration"),
    ("kiln-wy", "fat deposits heavy camera cannot pass", "grease"),
    ("kiln-wy", "multiple cracks at crown", "crack"),
    ("kiln-wy", "root mass at lateral connection", "roots"),
    ("kiln-wy", "pipe collapsed crown broken spoil in pipe", "collapse"),
]

WORDS = sorted({w for _, note, _ in SURVEYS for w in note.split()})


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS) + "\n")
    return BertTokenizer(vocab_path)


def split_by_last_survey(rows):
    last_index = {}
    for i, (street, _, _) in enumerate(rows):
        last_index[street] = i
    held_out = set(last_index.values())
    train = [r for i, r in enumerate(rows) if i not in held_out]
    test = [r for i, r in enumerate(rows) if i in held_out]
    return train, test


class SurveyDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len=24):
        self.enc = tokenizer([note for _, note, _ in rows], padding="max_length",
                             truncation=True, max_length=max_len)
        self.labels = [LABEL2ID[defect] for _, _, defect in rows]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.labels[i])
        return item


def main():
    seed_everything(SEED)
    workdir = tempfile.mkdtemp(prefix="cctv_")
    tokenizer = build_tokenizer(workdir)

    train_rows, test_rows = split_by_last_survey(SURVEYS)
    # size the head from every defect class we label, not just those in the training split
    n_defect_classes = len(DEFECT_CLASSES)
    print(f"train={len(train_rows)} test={len(test_rows)} defect_classes={n_defect_classes}")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=n_defect_classes)
    model = BertForSequenceClassification(config)

    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), max_steps=4,
                             per_device_train_batch_size=4, learning_rate=5e-4,
                             report_to="none", use_cpu=True, save_strategy="no",
                             logging_strategy="no", seed=SEED, disable_tqdm=True)
    trainer = Trainer(model=model, args=args,
                      train_dataset=SurveyDataset(train_rows, tokenizer),
                      eval_dataset=SurveyDataset(test_rows, tokenizer))
    trainer.train()
    metrics = trainer.evaluate()
    print(f"held-out loss {metrics['eval_loss']:.3f}")


if __name__ == "__main__":
    main()
