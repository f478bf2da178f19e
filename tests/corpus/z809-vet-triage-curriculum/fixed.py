"""Urgency triage for veterinary intake notes with an easy-first curriculum sampler on top of Trainer."""
import os
import tempfile

import torch
from torch.utils.data import Dataset, Sampler
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer, Trainer, TrainingArguments

torch.manual_seed(0)

URGENCY = ["routine", "soon", "emergency"]
NOTES = [
    ("annual vaccines due for indoor cat", 0),
    ("dog limping slightly after hike yesterday eating fine", 1),
    ("puppy ate chocolate bar one hour ago now vomiting and trembling", 2),
    ("nail trim and dental check", 0),
    ("cat straining in litter box no urine produced since morning", 2),
    ("rabbit not eating hay for one day fewer droppings", 1),
    ("dog hit by car breathing fast gums pale", 2),
    ("skin itching and scratching ears for a week", 1),
    ("routine weight check", 0),
    ("bloated abdomen retching without producing anything large breed dog", 2),
    ("mild diarrhea two days still playful", 1),
    ("booster shot for ferret", 0),
]

NUM_BUCKETS = 4
# sampling weight per difficulty bucket for the first epoch: easy notes drawn far more often
STAGE_WEIGHTS = [4.0, 3.0, 2.0, 1.0]


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def difficulty(text, label):
    # longer, more urgent notes are harder
    return len(text.split()) + 3.0 * label


def assign_buckets(scores, n_buckets):
    lo, hi = min(scores), max(scores)
    scaled = torch.tensor([(s - lo) / (hi - lo) for s in scores])
    # n equal-width bins over [0, 1]: n - 1 inner edges give bucket ids 0 .. n - 1
    inner_edges = torch.linspace(0.0, 1.0, n_buckets + 1)[1:-1]
    return torch.bucketize(scaled, inner_edges, right=True).tolist()


class TriageNotes(Dataset):
    def __init__(self, rows, tokenizer):
        enc = tokenizer([t for t, _ in rows], padding="max_length", max_length=20, truncation=True)
        self.items = [
            {"input_ids": enc["input_ids"][i], "attention_mask": enc["attention_mask"][i], "labels": y}
            for i, (_, y) in enumerate(rows)
        ]
        self.buckets = assign_buckets([difficulty(t, y) for t, y in rows], NUM_BUCKETS)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return {k: torch.tensor(v) for k, v in self.items[i].items()}


class CurriculumSampler(Sampler):
    def __init__(self, bucket_ids, stage_weights, num_samples):
        self.bucket_ids = torch.tensor(bucket_ids)
        self.stage_weights = torch.tensor(stage_weights)
        self.num_samples = num_samples

    def __len__(self):
        return self.num_samples

    def __iter__(self):
        per_example = self.stage_weights[self.bucket_ids]
        picks = torch.multinomial(per_example, self.num_samples, replacement=True)
        return iter(picks.tolist())


class CurriculumTrainer(Trainer):
    def _get_train_sampler(self, train_dataset=None):
        ds = train_dataset if train_dataset is not None else self.train_dataset
        return CurriculumSampler(ds.buckets, STAGE_WEIGHTS, num_samples=len(ds))


def main():
    tok = BertTokenizer(write_vocab([t for t, _ in NOTES]))
    cfg = BertConfig(
        vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=32, num_labels=len(URGENCY),
    )
    model = BertForSequenceClassification(cfg)
    train_ds = TriageNotes(NOTES, tok)
    print("bucket sizes:", {b: train_ds.buckets.count(b) for b in sorted(set(train_ds.buckets))})

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4, num_train_epochs=2,
        learning_rate=5e-4, logging_steps=2, save_strategy="no", report_to=[], use_cpu=True,
    )
    trainer = CurriculumTrainer(model=model, args=args, train_dataset=train_ds)
    result = trainer.train()
    print(f"finished: train loss {result.training_loss:.4f}")

    model.eval()
    batch = tok(["dog collapsed and is not breathing normally"], return_tensors="pt")
    with torch.no_grad():
        pred = model(**batch).logits.argmax(-1).item()
    print("sample prediction:", URGENCY[pred])


if __name__ == "__main__":
    main()
