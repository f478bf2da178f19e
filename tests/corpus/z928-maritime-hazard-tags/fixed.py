"""Tag maritime incident reports with hazard categories (multi-label) using a small BERT and the HF Trainer.

The harbour-master export lets a report carry several hazards, so the head is set up as a
multi-label classifier (one sigmoid per hazard) rather than a softmax over hazards.
"""
import os
import random
import tempfile
from typing import NamedTuple

import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    Trainer,
    TrainingArguments,
)

HAZARDS: list[str] = ["fire", "flooding", "collision", "grounding", "pollution", "man_overboard"]
SPECIALS: list[str] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
MAX_LEN: int = 20


class Report(NamedTuple):
    text: str
    hazard: str


class Encoded(NamedTuple):
    input_ids: list[int]
    attention_mask: list[int]
    target: list[float]


class Batch(NamedTuple):
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    labels: torch.Tensor


REPORTS: list[Report] = [
    Report("smoke in engine room crew used extinguisher on generator", "fire"),
    Report("water ingress through cracked hull plate in hold two", "flooding"),
    Report("vessel struck pilot boat while berthing at quay four", "collision"),
    Report("ferry touched sandbank near channel marker at low tide", "grounding"),
    Report("oil sheen observed astern after bunkering operation", "pollution"),
    Report("deckhand fell from gangway during mooring at night", "man_overboard"),
    Report("galley fire extinguished by cook no injuries reported", "fire"),
    Report("bilge alarm sounded pump could not keep up with water", "flooding"),
    Report("trawler and yacht made contact in fog near breakwater", "collision"),
    Report("tug grounded on mudflat after steering failure", "grounding"),
    Report("hydraulic fluid leaked overboard from crane on deck", "pollution"),
    Report("crew member slipped overboard recovered by rescue boat", "man_overboard"),
]


def build_vocab(texts: list[str]) -> list[str]:
    words = sorted({w for t in texts for w in t.lower().split()})
    return SPECIALS + words


def write_vocab(tokens: list[str]) -> str:
    folder = tempfile.mkdtemp(prefix="hazard_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def hazard_target(hazard: str) -> list[float]:
    # multi-hot row: one float slot per hazard, as BCEWithLogitsLoss expects
    row = [0.0] * len(HAZARDS)
    row[HAZARDS.index(hazard)] = 1.0
    return row


def encode_report(tok: BertTokenizer, report: Report) -> Encoded:
    enc = tok(report.text, padding="max_length", truncation=True, max_length=MAX_LEN)
    return Encoded(enc["input_ids"], enc["attention_mask"], hazard_target(report.hazard))


class ReportDataset(Dataset):
    def __init__(self, tok: BertTokenizer, reports: list[Report]) -> None:
        self.items: list[Encoded] = [encode_report(tok, r) for r in reports]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, idx: int) -> Encoded:
        return self.items[idx]


def collate(items: list[Encoded]) -> dict[str, torch.Tensor]:
    batch = Batch(
        input_ids=torch.tensor([it.input_ids for it in items], dtype=torch.long),
        attention_mask=torch.tensor([it.attention_mask for it in items], dtype=torch.long),
        labels=torch.tensor([it.target for it in items]),
    )
    return batch._asdict()


def make_model(vocab_size: int) -> BertForSequenceClassification:
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(HAZARDS),
        problem_type="multi_label_classification",
    )
    return BertForSequenceClassification(cfg)


def main() -> None:
    random.seed(7)
    torch.manual_seed(7)
    vocab = build_vocab([r.text for r in REPORTS])
    tok = BertTokenizer(write_vocab(vocab))
    train_ds = ReportDataset(tok, REPORTS)
    print(f"{len(train_ds)} reports, {len(vocab)} vocab entries, {len(HAZARDS)} hazard tags")

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(prefix="hazard_run_"),
        per_device_train_batch_size=4,
        max_steps=3,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        remove_unused_columns=False,
        disable_tqdm=True,
    )
    trainer = Trainer(model=make_model(len(vocab)), args=args, train_dataset=train_ds, data_collator=collate)
    result = trainer.train()
    print(f"final training loss: {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
