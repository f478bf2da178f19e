"""One shared encoder, three catalogue heads (material / period / condition) for the museum intake notes."""
import csv
import logging
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
log = logging.getLogger("museum_mtl")

# catalogue tasks, same order as in the intake export
TASKS = [
    ("material", ["ceramic", "bronze", "textile", "wood"]),
    ("period", ["neolithic", "roman", "medieval", "renaissance", "colonial", "modern"]),
    ("condition", ["stable", "fragile", "needs_conservation"]),
]
EXPORT = [
    (1, "glazed bowl with fine crackle in the slip", "ceramic"),
    (2, "coin hoard with laureate portrait of emperor", "roman"),
    (3, "textile edge fraying, fibres brittle to touch", "fragile"),
    (2, "printed calico sampler from a mission school", "colonial"),
    (1, "cast figure, green patina, lost wax", "bronze"),
    (2, "illuminated psalter leaf with gold initial", "medieval"),
    (3, "active corrosion spots on the rim", "needs_conservation"),
    (2, "bakelite radio housing with chrome dial", "modern"),
    (1, "carved panel of oak with worm holes", "wood"),
    (2, "polished stone axe head from lake deposit", "neolithic"),
    (3, "surface sound, no loss since last survey", "stable"),
    (2, "oil sketch on panel after a florentine master", "renaissance"),
]
artifacts = {}


def write_export(rows):
    folder = tempfile.mkdtemp(prefix="museum_")
    path = os.path.join(folder, "intake.tsv")
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t")
        writer.writerow(["task", "note", "value"])
        writer.writerows(rows)
    words = sorted({w.strip(",") for _, note, _ in rows for w in note.split()})
    vocab = os.path.join(folder, "vocab.txt")
    with open(vocab, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path, vocab


def load_records(path, tokenizer):
    records = []
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            task = int(row["task"])
            _, values = TASKS[task - 1]
            enc = tokenizer(row["note"], truncation=True, max_length=24)
            records.append({"input_ids": enc["input_ids"], "task_id": task,
                            "labels": values.index(row["value"])})
    return records


def collate(examples, pad_id=0):
    width = max(len(ex["input_ids"]) for ex in examples)
    ids = torch.tensor([ex["input_ids"] + [pad_id] * (width - len(ex["input_ids"])) for ex in examples])
    return {"input_ids": ids, "attention_mask": (ids != pad_id).long(),
            "task_id": torch.tensor([ex["task_id"] for ex in examples]),
            "labels": torch.tensor([ex["labels"] for ex in examples])}


class CatalogueModel(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config)
        self.heads = nn.ModuleList([nn.Linear(config.hidden_size, len(v)) for _, v in TASKS])

    def forward(self, input_ids, attention_mask, task_id, labels=None):
        pooled = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        loss = pooled.new_zeros(())
        for tid in task_id.unique().tolist():
            rows = task_id == tid
            logits = self.heads[tid](pooled[rows])
            loss = loss + F.cross_entropy(logits, labels[rows])
        return {"loss": loss}


def main():
    torch.manual_seed(7)
    export_path, vocab_path = write_export(EXPORT)
    tokenizer = BertTokenizer(vocab_path)
    records = load_records(export_path, tokenizer)
    artifacts["load"] = {"n": len(records), "per_task": {t: sum(r["task_id"] == t for r in records) for t in (1, 2, 3)}}
    log.info("loaded %d intake notes: %s", len(records), artifacts["load"]["per_task"])

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    model = CatalogueModel(config)
    args = TrainingArguments(output_dir=tempfile.mkdtemp(prefix="museum_run_"), num_train_epochs=2,
                             per_device_train_batch_size=6, learning_rate=5e-4, logging_steps=1,
                             save_strategy="no", use_cpu=True, seed=7, disable_tqdm=True, report_to=[],
                             remove_unused_columns=False, label_names=["labels"])
    trainer = Trainer(model=model, args=args, train_dataset=records,
                      data_collator=lambda exs: collate(exs, tokenizer.pad_token_id))
    result = trainer.train()
    artifacts["train"] = {"loss": result.training_loss, "steps": result.global_step}
    log.info("training finished: %s", artifacts["train"])


if __name__ == "__main__":
    main()
