"""Fine-tune a small BERT on railway track inspection notes to route them to the right crew."""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

INSPECTION_LOG = [
    ("gauge measured wide at km 14 curve near the crossing", "gauge_spread"),
    ("transverse crack through rail head found by ultrasonic car", "rail_break"),
    ("mud pumping under joint and ballast fouled with fines", "ballast_fouling"),
    ("timber sleepers split and spikes loose on bridge approach", "sleeper_decay"),
    ("standing water in cess after storm and culvert blocked", "drainage"),
    ("bond wire detached from rail at signal block joint", "signal_bond"),
    ("gauge spread on tight curve after heavy freight", "gauge_spread"),
    ("broken rail reported by track circuit failure at dawn", "rail_break"),
    ("ballast fouled and track geometry dipping near platform", "ballast_fouling"),
    ("culvert outlet silted and water ponding beside track", "drainage"),
    ("rotten sleepers under switch with loose fastenings", "sleeper_decay"),
    ("impedance bond cable chafed and track circuit flickering", "signal_bond"),
]


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class LabelMapMixin:
    LABELS = ("routine", "monitor", "urgent", "closure")

    @property
    def label2id(self):
        return {name: i for i, name in enumerate(self.LABELS)}


class NotesDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        return self.rows[idx]


class BaseExperiment(LabelMapMixin):
    MAX_LEN = 64
    NUM_LABELS = 4
    HIDDEN = 32

    def __init__(self, workdir=None, seed=13, **kwargs):
        super().__init__(**kwargs)
        self.workdir = workdir or tempfile.mkdtemp(prefix="rail_")
        self.seed = seed
        seed_everything(seed)
        self.tokenizer = self.build_tokenizer()
        self.model = self.build_model()

    def corpus(self):
        raise NotImplementedError

    def build_tokenizer(self):
        words = sorted({w for text, _ in self.corpus() for w in text.lower().split()})
        path = os.path.join(self.workdir, "vocab.txt")
        with open(path, "w") as fh:
            fh.write("\n".join(SPECIALS + words) + "\n")
        return BertTokenizer(path)

    def build_model(self):
        cfg = BertConfig(vocab_size=self.tokenizer.vocab_size, hidden_size=self.HIDDEN,
                         num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=128, num_labels=self.NUM_LABELS)
        return BertForSequenceClassification(cfg)

    def encode(self, text, tag):
        enc = self.tokenizer(text, truncation=True, max_length=self.MAX_LEN)
        enc["labels"] = self.label2id[tag]
        return enc

    def make_batch(self, features):
        tags = torch.tensor([f.pop("labels") for f in features], dtype=torch.long)
        padded = self.tokenizer.pad(features, padding="longest", return_tensors="pt")
        padded["labels"] = tags
        return dict(padded)

    def training_args(self):
        return TrainingArguments(output_dir=os.path.join(self.workdir, "out"), num_train_epochs=1,
                                 per_device_train_batch_size=6, learning_rate=5e-4, save_strategy="no",
                                 logging_steps=1, use_cpu=True, seed=self.seed,
                                 disable_tqdm=True, report_to=[])

    def run(self):
        train_set = NotesDataset([self.encode(t, y) for t, y in self.corpus()])
        print(f"[{type(self).__name__}] {len(train_set)} notes, {len(self.LABELS)} crews")
        trainer = Trainer(model=self.model, args=self.training_args(), train_dataset=train_set,
                          data_collator=self.make_batch)
        return trainer.train()


class TrackFaultExperiment(BaseExperiment):
    # crews instead of the generic severity buckets
    LABELS = ("gauge_spread", "rail_break", "ballast_fouling", "sleeper_decay", "drainage", "signal_bond")
    MAX_LEN = 32
    NUM_LABELS = len(LABELS)

    def corpus(self):
        return INSPECTION_LOG


if __name__ == "__main__":
    exp = TrackFaultExperiment(seed=21)
    result = exp.run()
    print("train loss:", round(result.training_loss, 4))
