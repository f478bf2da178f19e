"""Multi-task BERT for veterinary front-desk notes: species + urgency, one shared encoder."""
import os
import random
import tempfile
from collections import defaultdict

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

random.seed(11)
np.random.seed(11)
torch.manual_seed(11)

TASK_SPECS = {
    "species": {"labels": ["dog", "cat", "bird", "exotic"], "loss": nn.CrossEntropyLoss()},
    "urgency": {"labels": ["routine", "soon", "urgent"], "loss": nn.CrossEntropyLoss()},
}
for _spec in TASK_SPECS.values():
    _spec["num_labels"] = len(_spec["labels"])

# (task, note, label) as exported from the clinic's intake sheet
NOTES = [
    ("species", "golden retriever limping on front left leg", "dog"),
    ("species", "tabby not eating for two days", "cat"),
    ("species", "budgie plucking feathers", "bird"),
    ("species", "bearded dragon lethargic under lamp", "exotic"),
    ("species", "beagle scratching ears constantly", "dog"),
    ("species", "siamese vomiting hairballs", "cat"),
    ("urgency", "annual vaccine booster due", "routine"),
    ("urgency", "small cut on paw licking it", "soon"),
    ("urgency", "swollen belly and retching no vomit", "urgent"),
    ("urgency", "nail trim and weight check", "routine"),
    ("urgency", "hit by car not breathing well", "critical"),
    ("urgency", "limping since yesterday", "soon"),
]


def sync_label_lists(specs, rows):
    """Front desk sometimes uses labels the spec doesn't know yet; add them."""
    for task, _, lbl in rows:
        if lbl not in specs[task]["labels"]:
            print(f"[labels] adding new {task} label: {lbl}")
            specs[task]["labels"].append(lbl)
            specs[task]["num_labels"] = len(specs[task]["labels"])


def make_tokenizer(rows):
    words = sorted({w for _, text, _ in rows for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(prefix="vet_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class MultiTaskNoteModel(nn.Module):
    def __init__(self, cfg, specs):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.heads = nn.ModuleDict({t: nn.Linear(cfg.hidden_size, s["num_labels"]) for t, s in specs.items()})

    def forward(self, task, input_ids, attention_mask):
        pooled = self.encoder(input_ids=input_ids, attention_mask=attention_mask).pooler_output
        return self.heads[task](pooled)


class NoteDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def task_batches(rows, batch_size):
    """Indices grouped so every batch holds one task only."""
    by_task = defaultdict(list)
    for i, (task, _, _) in enumerate(rows):
        by_task[task].append(i)
    batches = []
    for idx in by_task.values():
        random.shuffle(idx)
        batches += [idx[k:k + batch_size] for k in range(0, len(idx), batch_size)]
    random.shuffle(batches)
    return batches


def collate_notes(items, tokenizer):
    task = items[0][0]
    enc = tokenizer([text for _, text, _ in items], padding=True, return_tensors="pt")
    targets = torch.tensor([TASK_SPECS[task]["labels"].index(lbl) for _, _, lbl in items])
    return {"task": task, "input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "targets": targets}


class MultiTaskTrainer(Trainer):
    def get_train_dataloader(self):
        loader = DataLoader(
            self.train_dataset,
            batch_sampler=task_batches(self.train_dataset.rows, self.args.per_device_train_batch_size),
            collate_fn=self.data_collator,
        )
        return self.accelerator.prepare(loader)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        task = inputs.pop("task")
        targets = inputs.pop("targets")
        logits = model(task, **inputs)
        loss = TASK_SPECS[task]["loss"](logits, targets)
        return (loss, logits) if return_outputs else loss


def main():
    tokenizer = make_tokenizer(NOTES)
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = MultiTaskNoteModel(cfg, TASK_SPECS)
    print({t: head.out_features for t, head in model.heads.items()})

    sync_label_lists(TASK_SPECS, NOTES)

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="vet_run_"),
        per_device_train_batch_size=3,
        num_train_epochs=2,
        learning_rate=3e-4,
        logging_steps=2,
        save_strategy="no",
        remove_unused_columns=False,
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = MultiTaskTrainer(
        model=model,
        args=args,
        train_dataset=NoteDataset(NOTES),
        data_collator=lambda items: collate_notes(items, tokenizer),
    )
    result = trainer.train()
    print("train loss", round(result.training_loss, 4))


if __name__ == "__main__":
    main()
