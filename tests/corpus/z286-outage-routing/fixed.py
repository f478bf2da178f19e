"""Route utility-company outage reports to the right field crew.

Small BERT classifier trained with the HF Trainer on synthetic reports.
"""
import os
import random
import tempfile
from dataclasses import dataclass, field

import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
)


@dataclass
class RoutingConfig:
    crews: list = field(default_factory=lambda: ["line", "substation", "meter", "vegetation"])
    num_crews: int = 4
    max_len: int = 32
    epochs: int = 1
    batch_size: int = 8
    seed: int = 7


WORDS = (
    "power out since morning transformer humming loud sparks pole down tree branch on wire "
    "meter reading wrong display blank breaker tripped whole street dark flicker lights "
    "substation fence smoke smell burning storm damage crew needed urgent again"
).split()

CREW_HINTS = {
    "line": ["pole", "down", "wire", "sparks"],
    "substation": ["substation", "fence", "smoke", "humming"],
    "meter": ["meter", "reading", "display", "blank"],
    "vegetation": ["tree", "branch", "storm", "damage"],
    "streetlight": ["lights", "flicker", "street", "dark"],
}


def make_reports(n, rng):
    reports = []
    crew_names = list(CREW_HINTS)
    for _ in range(n):
        crew = rng.choice(crew_names)
        words = rng.sample(WORDS, rng.randint(5, 14)) + rng.sample(CREW_HINTS[crew], 2)
        rng.shuffle(words)
        reports.append({"text": " ".join(words), "crew": crew})
    return reports


def write_vocab(folder):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


class OutageReports(Dataset):
    def __init__(self, reports, tokenizer, crew_to_id, max_len):
        self.reports = reports
        self.tok = tokenizer
        self.crew_to_id = crew_to_id
        self.max_len = max_len

    def __len__(self):
        return len(self.reports)

    def __getitem__(self, idx):
        r = self.reports[idx]
        enc = self.tok(r["text"], truncation=True, max_length=self.max_len)
        enc["labels"] = self.crew_to_id[r["crew"]]
        return enc


def main():
    cfg = RoutingConfig()
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)

    workdir = tempfile.mkdtemp(prefix="outage_")
    tokenizer = BertTokenizer(write_vocab(workdir))

    reports = make_reports(96, rng)
    crew_to_id = {c: i for i, c in enumerate(sorted({r["crew"] for r in reports}))}
    print("crews seen in data:", crew_to_id)

    train_ds = OutageReports(reports, tokenizer, crew_to_id, cfg.max_len)

    bert_cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(crew_to_id),
    )
    model = BertForSequenceClassification(bert_cfg)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=cfg.epochs,
        per_device_train_batch_size=cfg.batch_size,
        learning_rate=5e-4,
        logging_steps=50,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    trainer.train()
    print("done")


if __name__ == "__main__":
    main()
