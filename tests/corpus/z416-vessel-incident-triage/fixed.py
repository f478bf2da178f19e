"""Triage of vessel incident reports into incident categories.

Reports are split by date: older reports train the classifier, the most
recent quarter is held out to check how it does on new traffic.
"""
import os
import random
import tempfile
from dataclasses import dataclass, field

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)


@dataclass
class RunConfig:
    seed: int = 7
    n_reports: int = 80
    holdout_frac: float = 0.25
    max_len: int = 40
    hidden: int = 32
    out_dir: str = field(default_factory=lambda: tempfile.mkdtemp(prefix="incidents_"))


CATEGORY_WORDS = {
    "collision": ["struck", "contact", "bow", "crossing", "overtaking"],
    "grounding": ["aground", "shoal", "draft", "tide", "reef"],
    "fire": ["smoke", "engine", "room", "alarm", "extinguished"],
    "machinery": ["shaft", "generator", "blackout", "pump", "failure"],
    "pollution": ["oil", "sheen", "bunker", "spill", "boom"],
}
FILLER = ["the", "vessel", "crew", "reported", "at", "port", "near", "master", "watch", "no",
          "injuries", "during", "night", "harbour", "pilot", "on", "board", "was", "a", "minor"]


def synth_reports(cfg):
    rng = random.Random(cfg.seed)
    reports = []
    for day in range(cfg.n_reports):
        # spill reporting only became mandatory late in the period
        cats = list(CATEGORY_WORDS) if day > cfg.n_reports * 0.8 else list(CATEGORY_WORDS)[:4]
        cat = rng.choice(cats)
        words = rng.sample(FILLER, 8) + rng.sample(CATEGORY_WORDS[cat], 3)
        rng.shuffle(words)
        reports.append({"day": day, "text": " ".join(words), "category": cat})
    return reports


def write_vocab(path):
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + FILLER
    for ws in CATEGORY_WORDS.values():
        toks += ws
    with open(path, "w") as fh:
        fh.write("\n".join(toks) + "\n")


class IncidentSet(Dataset):
    def __init__(self, rows, tokenizer, max_len, categories):
        self.categories = categories
        self.cat2id = {c: i for i, c in enumerate(self.categories)}
        self.enc = tokenizer([r["text"] for r in rows], padding="max_length",
                             truncation=True, max_length=max_len)
        self.labels = [self.cat2id[r["category"]] for r in rows]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.labels[i])
        return item


def build_model(cfg, tokenizer, num_labels):
    bert_cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=cfg.hidden,
                          num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                          max_position_embeddings=64, num_labels=num_labels)
    return BertForSequenceClassification(bert_cfg)


def main():
    cfg = RunConfig()
    torch.manual_seed(cfg.seed)
    vocab_path = os.path.join(cfg.out_dir, "vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    reports = sorted(synth_reports(cfg), key=lambda r: r["day"])
    cut = int(len(reports) * (1 - cfg.holdout_frac))
    categories = sorted(set(r["category"] for r in reports))
    train_ds = IncidentSet(reports[:cut], tokenizer, cfg.max_len, categories)
    recent_ds = IncidentSet(reports[cut:], tokenizer, cfg.max_len, categories)
    print(f"train categories: {train_ds.categories}")

    model = build_model(cfg, tokenizer, num_labels=len(train_ds.categories))
    args = TrainingArguments(
        output_dir=cfg.out_dir,
        num_train_epochs=1,
        per_device_train_batch_size=16,
        per_device_eval_batch_size=16,
        learning_rate=5e-4,
        eval_strategy="epoch",
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=recent_ds)
    trainer.train()
    metrics = trainer.evaluate()
    print(f"held-out loss: {metrics['eval_loss']:.3f}")


if __name__ == "__main__":
    main()
