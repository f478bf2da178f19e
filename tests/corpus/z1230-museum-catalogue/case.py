"""Sequential multi-task fine-tuning for a museum catalogue: object material, then historical period."""
from __future__ import annotations

import dataclasses
import enum
import os
import tempfile
from typing import TypedDict

import torch
from torch import nn
from torch.utils.data import Dataset
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

torch.manual_seed(3)


class Task(enum.Enum):
    MATERIAL = "material"
    PERIOD = "period"


class Material(enum.IntEnum):
    CERAMIC = 0
    METAL = 1
    TEXTILE = 2
    WOOD = 3


class Period(enum.IntEnum):
    PREHISTORIC = 0
    ANCIENT = 1
    MEDIEVAL = 2
    RENAISSANCE = 3
    BAROQUE = 4
    INDUSTRIAL = 5
    MODERN = 6


class CatalogueBatch(TypedDict):
    ids: torch.Tensor
    attn: torch.Tensor
    labels: torch.Tensor


@dataclasses.dataclass(frozen=True)
class RunSettings:
    task: Task
    learning_rate: float = 5e-4
    epochs: int = 1
    batch_size: int = 4
    max_len: int = 20


# accession note, material, period
RECORDS = [
    ("glazed stoneware jar with cobalt floral band", Material.CERAMIC, Period.BAROQUE),
    ("bronze socketed axe head green patina", Material.METAL, Period.PREHISTORIC),
    ("silk tapestry fragment gold thread saints", Material.TEXTILE, Period.MEDIEVAL),
    ("carved oak panel with linenfold pattern", Material.WOOD, Period.RENAISSANCE),
    ("red figure amphora depicting athletes", Material.CERAMIC, Period.ANCIENT),
    ("cast iron steam gauge brass bezel", Material.METAL, Period.INDUSTRIAL),
    ("printed cotton dress synthetic dye", Material.TEXTILE, Period.MODERN),
    ("gilded walnut mirror frame acanthus scrolls", Material.WOOD, Period.BAROQUE),
]


def build_tokenizer() -> BertTokenizer:
    words = sorted({w for text, _, _ in RECORDS for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]) + "\n")
    return BertTokenizer(path)


class CatalogueDataset(Dataset):
    def __init__(self, task: Task) -> None:
        match task:
            case Task.MATERIAL:
                self.rows = [{"text": t, "label": int(m)} for t, m, _ in RECORDS]
            case Task.PERIOD:
                self.rows = [{"text": t, "label": int(p)} for t, _, p in RECORDS]

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> dict:
        return self.rows[i]


class CatalogueModel(nn.Module):
    """Shared encoder, one head per task; `settings.task` picks the active head."""

    def __init__(self, vocab_size: int, settings: RunSettings) -> None:
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        heads = {}
        for task in Task:
            match task:
                case Task.MATERIAL:
                    heads[task.value] = nn.Linear(cfg.hidden_size, len(Material))
                case Task.PERIOD:
                    heads[task.value] = nn.Linear(cfg.hidden_size, len(Period))
        self.heads = nn.ModuleDict(heads)
        self.settings = settings
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, ids: torch.Tensor, attn: torch.Tensor, labels: torch.Tensor | None = None) -> dict:
        pooled = self.encoder(input_ids=ids, attention_mask=attn).pooler_output
        logits = self.heads[self.settings.task.value](pooled)
        out = {"logits": logits}
        if labels is not None:
            out["loss"] = self.loss_fn(logits, labels)
        return out


def collator(tok: BertTokenizer, max_len: int):
    def collate(rows: list[dict]) -> CatalogueBatch:
        texts, targets = [], []
        for row in rows:
            match row:
                case {"text": str(text), "label": int(label)}:
                    texts.append(text)
                    targets.append(label)
                case _:
                    raise ValueError(f"bad catalogue row: {row!r}")
        enc = tok(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
        return CatalogueBatch(ids=enc["input_ids"], attn=enc["attention_mask"], labels=torch.tensor(targets))
    return collate


BASE = RunSettings(task=Task.MATERIAL)
PLAN: dict[Task, RunSettings] = {
    Task.MATERIAL: BASE,
    # period labels are noisier, train it a bit longer and slower
    Task.PERIOD: dataclasses.replace(BASE, learning_rate=3e-4, epochs=2),
}

if __name__ == "__main__":
    tok = build_tokenizer()
    model = CatalogueModel(tok.vocab_size, BASE)
    out_root = tempfile.mkdtemp()
    for task, settings in PLAN.items():
        model.settings = settings
        args = TrainingArguments(output_dir=os.path.join(out_root, task.value),
                                 per_device_train_batch_size=settings.batch_size,
                                 num_train_epochs=settings.epochs, learning_rate=settings.learning_rate,
                                 remove_unused_columns=False, save_strategy="no", logging_steps=1,
                                 use_cpu=True, disable_tqdm=True, report_to=[])
        trainer = Trainer(model=model, args=args, train_dataset=CatalogueDataset(task),
                          data_collator=collator(tok, settings.max_len))
        result = trainer.train()
        print(f"[{task.value}] finished, train loss {result.training_loss:.4f}")
