"""Fine-tune a small BERT to triage beekeeper inspection notes into colony status.

Notes come from the field app as free text; we bucket them into a handful of
statuses so the apiary lead can see which hives need a visit this week.
"""
import os
import random
import re
import tempfile
from dataclasses import dataclass

import numpy as np
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

STATUSES = ["queenright", "queenless", "swarm_prep", "disease_watch"]

NOTES = [
    ("eggs and young larvae seen on three frames, queen spotted, calm bees", "queenright"),
    ("no eggs, no queen, bees roaring and agitated when the lid came off", "queenless"),
    ("several capped queen cells along the bottom bars of frames four and five, brood nest packed "
     "with nectar and bees bearding at the entrance all afternoon in the heat", "swarm_prep"),
    ("spotty brood pattern with sunken cappings, ropey test on two cells, sample sent to lab", "disease_watch"),
    ("laying queen present, good pollen stores, added a super", "queenright"),
    ("emergency cells on frame two, no eggs seen anywhere, colony is getting testy and loud "
     "during the whole inspection, need a frame of eggs from hive nine", "queenless"),
    ("swarm cells charged with royal jelly, old queen still laying, crowded", "swarm_prep"),
    ("deformed wings on a few emerging bees, mite drop board counted high", "disease_watch"),
    ("marked queen seen, brood in all stages, foraging strong", "queenright"),
    ("laying workers suspected, multiple eggs per cell on the walls, drone brood in worker cells", "queenless"),
    ("back filling of the brood nest with nectar, queen cups being built along the edges of "
     "several frames, entrance congested and bees clustering outside the box", "swarm_prep"),
    ("chalky mummies on the landing board, damp hive, moved it to a sunnier spot", "disease_watch"),
]


def build_tokenizer(texts, workdir):
    words = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower())})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class InspectionNotes(Dataset):
    def __init__(self, rows, tokenizer):
        self.items = []
        for text, status in rows:
            enc = tokenizer(text)
            self.items.append({
                "input_ids": enc["input_ids"],
                "attention_mask": enc["attention_mask"],
                "labels": STATUSES.index(status),
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


@dataclass
class NoteCollator:
    pad_id: int
    max_tokens: int = 24

    def __call__(self, rows):
        # long notes get clipped, the start of a note usually carries the verdict
        token_rows = [torch.tensor(r["input_ids"][: self.max_tokens]) for r in rows]
        keep_rows = [torch.tensor(r["attention_mask"]) for r in rows]
        return {
            "input_ids": pad_sequence(token_rows, batch_first=True, padding_value=self.pad_id),
            "attention_mask": pad_sequence(keep_rows, batch_first=True, padding_value=0),
            "labels": torch.tensor([r["labels"] for r in rows], dtype=torch.long),
        }


def main():
    workdir = tempfile.mkdtemp(prefix="hives_")
    tokenizer = build_tokenizer([t for t, _ in NOTES], workdir)
    print(f"vocab size: {tokenizer.vocab_size}")

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(STATUSES),
    )
    model = BertForSequenceClassification(config)

    train_set = InspectionNotes(NOTES, tokenizer)
    lengths = [len(x["input_ids"]) for x in train_set.items]
    print(f"{len(train_set)} notes, token lengths {min(lengths)}..{max(lengths)}")

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=4,
        num_train_epochs=2,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
        disable_tqdm=True,
        report_to=[],
        use_cpu=True,
        seed=7,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_set,
        data_collator=NoteCollator(pad_id=tokenizer.pad_token_id),
    )
    result = trainer.train()
    print(f"done, final train loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
