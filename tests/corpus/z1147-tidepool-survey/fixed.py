"""Tide-pool survey notes -> organism + intertidal zone, one encoder, HF Trainer.

Both label sets are badly imbalanced (volunteers log a lot of anemones and mid-zone pools),
so each task gets an inverse-frequency weighted loss.
"""
import os
import random
import tempfile
from collections import Counter
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments


@dataclass
class TaskSpec:
    num_labels: int
    max_len: int
    batch_size: int


TASKS = {
    "organism": TaskSpec(num_labels=6, max_len=24, batch_size=4),  # anemone crab star urchin limpet kelp
    "zone": TaskSpec(num_labels=3, max_len=24, batch_size=4),      # high mid low
}

NOTES = [
    ("green anemone closed in shallow pool", 0, 1), ("purple shore crab under rock", 1, 1),
    ("ochre sea star wedged in crevice", 2, 2), ("urchins packed in low pool", 3, 2),
    ("limpets on dry rock near splash line", 4, 0), ("bull kelp stipe washed into pool", 5, 2),
    ("aggregating anemones covered in shell bits", 0, 1), ("anemone open with tentacles out", 0, 1),
    ("hermit crab in turban shell", 1, 0), ("barnacles and limpets high up", 4, 0),
    ("giant green anemone in surge channel", 0, 2), ("small crab molting near pool edge", 1, 1),
]


def vocab_path():
    words = sorted({w for text, _, _ in NOTES for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def task_rows(task):
    col = 1 if task == "organism" else 2
    return [(row[0], row[col]) for row in NOTES]


def inverse_freq(golds, n_classes):
    counts = Counter(golds)
    w = torch.tensor([1.0 / max(counts.get(c, 0), 1) for c in range(n_classes)])
    return w * n_classes / w.sum()


def build_batches(tok):
    batches = []
    for task, spec in TASKS.items():
        rows = task_rows(task)
        random.shuffle(rows)
        for i in range(0, len(rows), spec.batch_size):
            chunk = rows[i:i + spec.batch_size]
            enc = tok([t for t, _ in chunk], padding="longest", truncation=True,
                      max_length=spec.max_len, return_tensors="pt")
            batches.append({"task": task, **enc, "gold": torch.tensor([g for _, g in chunk])})
    return batches


class SurveyNet(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                                         num_attention_heads=2, intermediate_size=64,
                                         max_position_embeddings=32))
        self.heads = nn.ModuleDict({name: nn.Linear(32, s.num_labels) for name, s in TASKS.items()})

    def forward(self, task, input_ids, attention_mask, token_type_ids):
        h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                      token_type_ids=token_type_ids).last_hidden_state[:, 0]
        return self.heads[task](h)


class MultiTaskTrainer(Trainer):
    def __init__(self, *a, task_batches, loss_fns, **kw):
        super().__init__(*a, **kw)
        self.task_batches, self.loss_fns = task_batches, loss_fns

    def get_train_dataloader(self):
        # every pre-built batch once per epoch, tasks mixed in proportion to their size
        return DataLoader(self.task_batches, batch_size=None, shuffle=True)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        gold = inputs.pop("gold")
        task = inputs["task"]
        logits = model(**inputs)
        loss = self.loss_fns[task](logits, gold)
        return (loss, logits) if return_outputs else loss


def main():
    random.seed(5)
    torch.manual_seed(5)
    tok = BertTokenizer(vocab_path())
    model = SurveyNet(len(tok))

    loss_fns = {}
    for name, spec in TASKS.items():
        w = inverse_freq([g for _, g in task_rows(name)], spec.num_labels)
        print(f"{name} class weights: {[round(x, 2) for x in w.tolist()]}")
        loss_fns[name] = lambda logits, gold, w=w: (
            F.cross_entropy(logits, gold, reduction="none") * w[gold]).sum() / w[gold].sum()

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=3, learning_rate=5e-4,
                             logging_steps=3, save_strategy="no", report_to="none", use_cpu=True,
                             remove_unused_columns=False, disable_tqdm=True)
    trainer = MultiTaskTrainer(model=model, args=args, task_batches=build_batches(tok), loss_fns=loss_fns)
    trainer.train()

    model.eval()
    with torch.no_grad():
        for task in TASKS:
            b = [x for x in build_batches(tok) if x["task"] == task]
            hits = sum((model(task, x["input_ids"], x["attention_mask"], x["token_type_ids"]).argmax(-1)
                        == x["gold"]).sum().item() for x in b)
            print(f"{task} train acc: {hits / sum(len(x['gold']) for x in b):.2f}")


if __name__ == "__main__":
    main()
