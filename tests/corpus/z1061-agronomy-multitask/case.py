"""Multi-task triage of farmer questions sent to an agronomy extension hotline (one encoder, task-conditioned head)."""
import os
import random
import tempfile

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

random.seed(11)
torch.manual_seed(11)

# (split name, task, used for training?, rows of (question, yes/no))
SPLITS = [
    ("pest-inland", "pest", True, [
        ("aphids all over the bean leaves", 1), ("yellow spots and tiny holes in cabbage", 1),
        ("when should i sow winter wheat", 0), ("beetles eating the potato plants", 1),
        ("how much lime for acid soil", 0), ("caterpillars in the maize whorl", 1)]),
    ("urgent-calls", "urgent", True, [
        ("cows collapsed after eating wet clover", 1), ("planning next year rotation", 0),
        ("whole orchard wilting since yesterday", 1), ("price of certified seed", 0),
        ("flood water rising in the rice field", 1), ("best time to prune apple trees", 0)]),
    ("pest-coastal", "pest", False, [
        ("mites on the greenhouse tomatoes", 1), ("salt spray burned the lettuce edges", 0),
        ("weevils in the stored grain", 1), ("how deep to plant onion sets", 0)]),
    ("irrigation", "irrigation", True, [
        ("drip lines clogged in the vineyard", 1), ("how often to water young citrus", 1),
        ("aphids on the roses", 0), ("sprinkler pressure too low", 1),
        ("which breed of hens lays most", 0), ("soil test shows low potassium", 0)]),
]


class TaskSplit:
    __slots__ = ("name", "task", "train", "rows")

    def __init__(self, name, task, train, rows):
        self.name, self.task, self.train, self.rows = name, task, train, rows


class SplitRegistry:
    __slots__ = ("splits",)

    def __init__(self, splits):
        self.splits = splits

    @classmethod
    def from_spec(cls, spec):
        return cls([TaskSplit(*entry) for entry in spec])

    @property
    def train_tasks(self):
        return sorted({s.task for s in self.splits if s.train})

    @property
    def n_tasks(self):
        return len(self.train_tasks)

    def examples(self, train):
        out = []
        for task_id, split in enumerate(self.splits):
            if split.train != train:
                continue
            out.extend({"text": q, "task_id": task_id, "label": y, "split": split.name} for q, y in split.rows)
        return out


class TaskConditionedClassifier(nn.Module):
    def __init__(self, config, n_tasks):
        super().__init__()
        self.bert = BertModel(config)
        self.task_embedding = nn.Embedding(n_tasks, config.hidden_size)
        self.head = nn.Linear(config.hidden_size, 2)

    @classmethod
    def tiny(cls, vocab_size, n_tasks):
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        return cls(cfg, n_tasks)

    def forward(self, input_ids, attention_mask, task_id, labels=None):
        pooled = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state[:, 0]
        logits = self.head(torch.tanh(pooled + self.task_embedding(task_id)))
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = nn.functional.cross_entropy(logits, labels)
        return out


def make_collator(tokenizer):
    def collate(rows):
        enc = tokenizer([r["text"] for r in rows], padding=True, return_tensors="pt")
        return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                "task_id": torch.tensor([r["task_id"] for r in rows]),
                "labels": torch.tensor([r["label"] for r in rows])}
    return collate


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def main():
    registry = SplitRegistry.from_spec(SPLITS)
    train_rows, eval_rows = registry.examples(train=True), registry.examples(train=False)
    tokenizer = build_tokenizer([q for s in registry.splits for q, _ in s.rows])
    print(f"tasks={registry.train_tasks} train={len(train_rows)} held-out={len(eval_rows)}")

    model = TaskConditionedClassifier.tiny(tokenizer.vocab_size, registry.n_tasks)
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4,
                             per_device_eval_batch_size=4, num_train_epochs=2, learning_rate=5e-4,
                             remove_unused_columns=False, save_strategy="no", logging_strategy="no",
                             use_cpu=True, disable_tqdm=True, report_to=[], seed=11)
    trainer = Trainer(model=model, args=args, train_dataset=train_rows, eval_dataset=eval_rows,
                      data_collator=make_collator(tokenizer))
    trainer.train()

    preds = trainer.predict(eval_rows).predictions
    preds = preds[0] if isinstance(preds, tuple) else preds
    hits = sum(int(p.argmax() == r["label"]) for p, r in zip(preds, eval_rows))
    print(f"held-out coastal pest accuracy: {hits}/{len(eval_rows)}")


if __name__ == "__main__":
    main()
