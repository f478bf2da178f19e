"""Fine-tune a tiny BERT to predict ESI triage level from free-text ED intake notes.

Small smoke-test run before we plug in the real de-identified notes export.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

# Emergency Severity Index categories, most to least acute
ESI_LEVELS = ["resuscitation", "emergent", "urgent", "less urgent", "non urgent"]


@dataclass
class IntakeNote:
    text: str
    esi_level: int


NOTES = [
    IntakeNote("unresponsive pulseless found down cpr in progress", 1),
    IntakeNote("chest pain radiating to left arm diaphoretic", 2),
    IntakeNote("abdominal pain vomiting since morning stable vitals", 3),
    IntakeNote("ankle sprain able to bear weight mild swelling", 4),
    IntakeNote("prescription refill request no complaints", 5),
    IntakeNote("sore throat two days no fever", 5),
    IntakeNote("laceration on hand bleeding controlled needs sutures", 4),
    IntakeNote("shortness of breath oxygen saturation low wheezing", 2),
    IntakeNote("fever and cough three days stable vitals", 3),
    IntakeNote("suture removal request wound healed", 5),
    IntakeNote("stroke symptoms facial droop slurred speech", 1),
    IntakeNote("back pain after lifting stable vitals", 4),
]


def build_tokenizer(notes):
    words = sorted({w for n in notes for w in n.text.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    tmp = tempfile.mkdtemp(prefix="triage_vocab_")
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class TriageNotesDataset(Dataset):
    def __init__(self, notes, tokenizer, max_len=24):
        self.notes = notes
        self.tok = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.notes)

    def __getitem__(self, idx):
        note = self.notes[idx]
        enc = self.tok(
            note.text,
            padding="max_length",
            truncation=True,
            max_length=self.max_len,
            return_tensors="pt",
        )
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(note.esi_level, dtype=torch.long)
        return item


def main():
    tokenizer = build_tokenizer(NOTES)
    print(f"vocab size: {tokenizer.vocab_size}")

    random.shuffle(NOTES)
    split = int(0.75 * len(NOTES))
    train_ds = TriageNotesDataset(NOTES[:split], tokenizer)
    eval_ds = TriageNotesDataset(NOTES[split:], tokenizer)
    print(f"train={len(train_ds)} eval={len(eval_ds)}")

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(ESI_LEVELS),
        id2label={i: name for i, name in enumerate(ESI_LEVELS)},
        label2id={name: i for i, name in enumerate(ESI_LEVELS)},
    )
    model = BertForSequenceClassification(config)

    out_dir = tempfile.mkdtemp(prefix="triage_run_")
    args = TrainingArguments(
        output_dir=out_dir,
        num_train_epochs=2,
        per_device_train_batch_size=4,
        per_device_eval_batch_size=4,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        eval_strategy="epoch",
        disable_tqdm=True,
        report_to=[],
        seed=SEED,
        use_cpu=True,
    )

    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
    )
    trainer.train()
    metrics = trainer.evaluate()
    print("eval metrics:", metrics)


if __name__ == "__main__":
    main()
