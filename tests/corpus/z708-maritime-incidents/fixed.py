"""Fine-tune a tiny BERT to triage maritime incident reports by hazard type."""
import argparse
import logging
import random
import shutil
import tempfile
from dataclasses import dataclass
from enum import Enum, auto
from pathlib import Path

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("incident-triage")


class Hazard(Enum):
    COLLISION = auto()
    GROUNDING = auto()
    FIRE = auto()
    MAN_OVERBOARD = auto()


REPORTS = [
    ("vessel struck the pier while berthing in strong wind", Hazard.COLLISION),
    ("two trawlers made contact in fog near the channel buoy", Hazard.COLLISION),
    ("ship ran aground on a sandbar at low tide", Hazard.GROUNDING),
    ("hull touched the reef after the pilot misread the chart", Hazard.GROUNDING),
    ("smoke reported in the engine room fire party mustered", Hazard.FIRE),
    ("galley fire extinguished by the crew within minutes", Hazard.FIRE),
    ("deckhand fell overboard during mooring operations", Hazard.MAN_OVERBOARD),
    ("crew member lost over the side in heavy swell", Hazard.MAN_OVERBOARD),
]


@dataclass(frozen=True)
class TriageConfig:
    max_len: int = 24
    hidden: int = 32
    epochs: int = 1
    batch_size: int = 4
    lr: float = 5e-4
    seed: int = 7


def build_vocab(texts, workdir: Path) -> Path:
    words = sorted({w for t in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab_path = workdir / "vocab.txt"
    vocab_path.write_text("\n".join(specials + words) + "\n")
    return vocab_path


class IncidentDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        texts = [text for text, _ in rows]
        self.enc = tokenizer(texts, padding="max_length", truncation=True,
                             max_length=max_len, return_tensors="pt")
        self.targets = torch.tensor([list(Hazard).index(hazard) for _, hazard in rows])

    def __len__(self):
        return self.targets.size(0)

    def __getitem__(self, idx):
        item = {k: v[idx] for k, v in self.enc.items()}
        item["labels"] = self.targets[idx]
        return item


def make_model(cfg: TriageConfig, vocab_size: int) -> BertForSequenceClassification:
    bert_cfg = BertConfig(
        vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
        num_labels=len(Hazard),
        id2label={i: h.name for i, h in enumerate(Hazard)},
        label2id={h.name: i for i, h in enumerate(Hazard)},
    )
    return BertForSequenceClassification(bert_cfg)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=TriageConfig.epochs)
    parser.add_argument("--batch-size", type=int, default=TriageConfig.batch_size)
    args = parser.parse_args([])
    cfg = TriageConfig(epochs=args.epochs, batch_size=args.batch_size)

    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    workdir = Path(tempfile.mkdtemp(prefix="triage-"))
    try:
        tokenizer = BertTokenizer(str(build_vocab([t for t, _ in REPORTS], workdir)))
        train_ds = IncidentDataset(REPORTS, tokenizer, cfg.max_len)
        model = make_model(cfg, len(tokenizer))
        log.info("training on %d reports, %d hazard classes", len(train_ds), len(Hazard))

        training_args = TrainingArguments(
            output_dir=str(workdir / "out"), num_train_epochs=cfg.epochs,
            per_device_train_batch_size=cfg.batch_size, learning_rate=cfg.lr,
            save_strategy="no", logging_steps=1, use_cpu=True,
            disable_tqdm=True, report_to=[], seed=cfg.seed,
        )
        trainer = Trainer(model=model, args=training_args, train_dataset=train_ds)
        result = trainer.train()
        log.info("final training loss %.4f", result.training_loss)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
