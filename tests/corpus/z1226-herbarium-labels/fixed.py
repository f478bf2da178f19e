"""Tag taxon names, localities and dates on digitised herbarium specimen labels.

BERT encoder + token head in a LightningModule. Rare entity tags get a larger loss weight.
"""
from __future__ import annotations

import enum
import os
import tempfile
from dataclasses import dataclass
from typing import TypedDict

import lightning as L
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


class Tag(enum.IntEnum):
    O = 0
    B_TAXON = 1
    I_TAXON = 2
    B_LOC = 3
    I_LOC = 4
    B_DATE = 5
    I_DATE = 6


class Task(enum.Enum):
    NER = "ner"
    LABEL_TYPE = "label_type"


class TagBatch(TypedDict):
    ids: torch.Tensor
    keep: torch.Tensor
    tags: torch.Tensor


@dataclass(frozen=True)
class HParams:
    task: Task = Task.NER
    hidden: int = 32
    lr: float = 1e-3
    entity_weight: float = 3.0
    batch_size: int = 2


# (word, tag) pairs, one list per specimen label
SPECIMENS = [
    [("quercus", Tag.B_TAXON), ("robur", Tag.I_TAXON), ("collected", Tag.O), ("near", Tag.O),
     ("lake", Tag.B_LOC), ("geneva", Tag.I_LOC), ("june", Tag.B_DATE), ("1911", Tag.I_DATE)],
    [("salix", Tag.B_TAXON), ("alba", Tag.I_TAXON), ("river", Tag.B_LOC), ("bank", Tag.I_LOC),
     ("may", Tag.B_DATE), ("1887", Tag.I_DATE), ("det", Tag.O)],
    [("on", Tag.O), ("limestone", Tag.O), ("near", Tag.O), ("jura", Tag.B_LOC), ("ridge", Tag.I_LOC),
     ("carex", Tag.B_TAXON), ("flacca", Tag.I_TAXON), ("july", Tag.B_DATE), ("1902", Tag.I_DATE)],
    [("betula", Tag.B_TAXON), ("pendula", Tag.I_TAXON), ("sandy", Tag.O), ("heath", Tag.O),
     ("april", Tag.B_DATE), ("1899", Tag.I_DATE)],
]


def make_tokenizer() -> BertTokenizer:
    words = sorted({w for spec in SPECIMENS for w, _ in spec})
    folder = tempfile.mkdtemp(prefix="herbarium_")
    vocab = os.path.join(folder, "vocab.txt")
    with open(vocab, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]))
    return BertTokenizer(vocab)


def collate(specimens, tokenizer: BertTokenizer) -> TagBatch:
    width = max(len(s) for s in specimens) + 2
    ids = torch.full((len(specimens), width), tokenizer.pad_token_id)
    keep = torch.zeros((len(specimens), width), dtype=torch.long)
    tags = torch.full((len(specimens), width), -100)
    for row, spec in enumerate(specimens):
        toks = [tokenizer.cls_token_id, *tokenizer.convert_tokens_to_ids([w for w, _ in spec]), tokenizer.sep_token_id]
        ids[row, : len(toks)] = torch.tensor(toks)
        keep[row, : len(toks)] = 1
        tags[row, 1 : len(spec) + 1] = torch.tensor([int(t) for _, t in spec])
    return TagBatch(ids=ids, keep=keep, tags=tags)


class SpecimenTagger(L.LightningModule):
    def __init__(self, hp: HParams, vocab_size: int):
        super().__init__()
        self.hp = hp
        self.encoder = BertModel(
            BertConfig(vocab_size=vocab_size, hidden_size=hp.hidden, num_hidden_layers=1, num_attention_heads=2,
                       intermediate_size=64, max_position_embeddings=64),
            add_pooling_layer=False,
        )
        match hp.task:
            case Task.NER:
                self.head = nn.Linear(hp.hidden, len(Tag))
                weights = torch.full((len(Tag),), hp.entity_weight)
                weights[Tag.O] = 1.0
            case Task.LABEL_TYPE:
                self.head = nn.Linear(hp.hidden, 3)
                weights = torch.ones(3)
        self.register_buffer("class_weights", weights)

    def forward(self, ids: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        states = self.encoder(input_ids=ids, attention_mask=keep).last_hidden_state
        return self.head(states)

    def training_step(self, batch: TagBatch, batch_idx: int) -> torch.Tensor:
        match batch:
            case {"ids": ids, "keep": keep, "tags": gold}:
                scores = self(ids, keep)
            case _:
                raise TypeError(f"unexpected batch keys: {list(batch)}")
        loss = F.cross_entropy(scores.transpose(1, 2), gold, weight=self.class_weights, ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hp.lr)


def main() -> None:
    L.seed_everything(3)
    hp = HParams()
    tokenizer = make_tokenizer()
    loader = DataLoader(SPECIMENS, batch_size=hp.batch_size, collate_fn=lambda s: collate(s, tokenizer))
    model = SpecimenTagger(hp, tokenizer.vocab_size)
    print(f"tagging {len(SPECIMENS)} specimen labels with {len(Tag)} tags")
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(model, train_dataloaders=loader)
    print("done, final loss", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
