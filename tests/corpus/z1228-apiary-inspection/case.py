"""Colony-health classifier for apiary inspection notes (tiny BERT + hive sensor features)."""
from __future__ import annotations

import enum
import os
import tempfile
from dataclasses import dataclass
from typing import TypedDict

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)


class Health(enum.IntEnum):
    THRIVING = 0
    QUEENLESS = 1
    VARROA = 2
    STARVING = 3


class Readout(enum.Enum):
    CLS = "cls"
    MEAN = "mean"
    POOLER = "pooler"


class HiveBatch(TypedDict):
    ids: torch.Tensor
    attn: torch.Tensor
    sensors: torch.Tensor
    health: torch.Tensor


@dataclass(frozen=True)
class ModelSettings:
    hidden: int = 32
    n_sensors: int = 3  # weight kg, brood temp C, humidity %
    max_len: int = 16
    readout: Readout = Readout.POOLER
    lr: float = 3e-4


NOTES = [
    ("strong brood pattern capped honey on six frames calm bees", [41.0, 34.8, 58.0], Health.THRIVING),
    ("no eggs seen emergency queen cells roaring sound", [33.5, 33.1, 61.0], Health.QUEENLESS),
    ("mites on drone brood deformed wings spotty pattern", [29.0, 34.2, 64.0], Health.VARROA),
    ("empty frames bees head first in cells light hive", [18.2, 32.0, 55.0], Health.STARVING),
    ("queen spotted eggs and young larvae good stores", [39.4, 35.0, 57.0], Health.THRIVING),
    ("laying workers multiple eggs per cell no queen", [30.1, 33.4, 60.0], Health.QUEENLESS),
    ("high mite drop on board crawling bees deformed wings", [27.7, 34.0, 66.0], Health.VARROA),
    ("no stores left feeding syrup urgently light hive", [16.9, 31.5, 53.0], Health.STARVING),
]


def write_vocab() -> str:
    words = sorted({w for text, _, _ in NOTES for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    return path


class HiveClassifier(L.LightningModule):
    def __init__(self, settings: ModelSettings, vocab_size: int) -> None:
        super().__init__()
        self.settings = settings
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=settings.hidden, num_hidden_layers=2,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=settings.max_len)
        self.encoder = BertModel(cfg)
        self.sensor_proj = nn.Sequential(nn.LayerNorm(settings.n_sensors),
                                         nn.Linear(settings.n_sensors, settings.hidden))
        self.head = nn.Linear(settings.hidden, len(Health))
        self.loss_fn = nn.CrossEntropyLoss()

    def readout(self, out, attn: torch.Tensor) -> torch.Tensor:
        match self.settings.readout:
            case Readout.CLS:
                return out.last_hidden_state[:, 0]
            case Readout.MEAN:
                w = attn.unsqueeze(-1).float()
                return (out.last_hidden_state * w).sum(1) / w.sum(1)
            case _:
                return out.hidden_states[-1]

    def forward(self, ids: torch.Tensor, attn: torch.Tensor, sensors: torch.Tensor) -> torch.Tensor:
        out = self.encoder(input_ids=ids, attention_mask=attn, output_hidden_states=True)
        text_vec = self.readout(out, attn)
        fused = text_vec + self.sensor_proj(sensors)  # residual mix of sensors into the text summary
        return self.head(fused)

    def training_step(self, batch: HiveBatch, batch_idx: int) -> torch.Tensor:
        match batch:
            case {"ids": ids, "attn": attn, "sensors": sensors, "health": health}:
                logits = self(ids, attn, sensors)
            case _:
                raise KeyError(f"unexpected batch keys {sorted(batch)}")
        loss = self.loss_fn(logits, health)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.settings.lr)


def make_collate(tok: BertTokenizer, max_len: int):
    def collate(rows) -> HiveBatch:
        enc = tok([r[0] for r in rows], padding="max_length", truncation=True,
                  max_length=max_len, return_tensors="pt")
        return HiveBatch(ids=enc["input_ids"], attn=enc["attention_mask"],
                         sensors=torch.tensor([r[1] for r in rows]),
                         health=torch.tensor([int(r[2]) for r in rows]))
    return collate


def main() -> None:
    settings = ModelSettings()
    tok = BertTokenizer(write_vocab())
    loader = DataLoader(NOTES, batch_size=4, shuffle=True, collate_fn=make_collate(tok, settings.max_len))
    model = HiveClassifier(settings, vocab_size=tok.vocab_size)
    print(f"readout={settings.readout.value} classes={[h.name for h in Health]}")
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print("done, final loss", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
