"""Token tagging of drill-core logging notes (lithology, depth, mineral, colour) with a tiny BERT
encoder wrapped in a LightningModule."""
import enum
import os
import tempfile
from typing import Iterator, Literal, TypedDict

import lightning as L
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


class CoreTag(enum.Enum):
    OUTSIDE = enum.auto()
    LITHOLOGY = enum.auto()
    DEPTH = enum.auto()
    MINERAL = enum.auto()
    COLOUR = enum.auto()


TAG_INDEX = {tag: i for i, tag in enumerate(CoreTag)}
IGNORE = -100


class TaggedBatch(TypedDict):
    tokens: torch.Tensor
    attn: torch.Tensor
    tag_ids: torch.Tensor


# word/TAG pairs as the geologist's assistant annotated them
CORE_NOTES = [
    "sandstone/LITHOLOGY at/OUTSIDE 12.5/DEPTH m/OUTSIDE with/OUTSIDE pyrite/MINERAL grey/COLOUR",
    "red/COLOUR mudstone/LITHOLOGY from/OUTSIDE 40/DEPTH to/OUTSIDE 42/DEPTH m/OUTSIDE",
    "quartz/MINERAL veins/OUTSIDE in/OUTSIDE granite/LITHOLOGY",
    "buff/COLOUR limestone/LITHOLOGY with/OUTSIDE calcite/MINERAL and/OUTSIDE minor/OUTSIDE pyrite/MINERAL below/OUTSIDE 88/DEPTH m/OUTSIDE",
    "black/COLOUR shale/LITHOLOGY at/OUTSIDE 101/DEPTH m/OUTSIDE",
    "grey/COLOUR granite/LITHOLOGY with/OUTSIDE biotite/MINERAL",
    "weathered/OUTSIDE sandstone/LITHOLOGY near/OUTSIDE 3/DEPTH m/OUTSIDE red/COLOUR staining/OUTSIDE with/OUTSIDE hematite/MINERAL",
    "green/COLOUR schist/LITHOLOGY chlorite/MINERAL rich/OUTSIDE",
]


def parse_note(note: str) -> tuple[list[str], list[CoreTag]]:
    words, tags = [], []
    for pair in note.split():
        word, tag_name = pair.rsplit("/", 1)
        words.append(word)
        tags.append(CoreTag[tag_name])
    return words, tags


def write_vocab(notes: list[str]) -> str:
    words = sorted({w for n in notes for w in parse_note(n)[0]})
    path = os.path.join(tempfile.mkdtemp(prefix="core_vocab_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def iter_examples(tok: BertTokenizer) -> Iterator[tuple[list[int], list[int]]]:
    for note in CORE_NOTES:
        words, tags = parse_note(note)
        ids = [tok.cls_token_id] + [tok.convert_tokens_to_ids(w) for w in words] + [tok.sep_token_id]
        tag_ids = [IGNORE] + [TAG_INDEX[t] for t in tags] + [IGNORE]
        yield ids, tag_ids


def make_collate(pad_id: int):
    def collate(examples: list[tuple[list[int], list[int]]]) -> TaggedBatch:
        width = max(len(ids) for ids, _ in examples)
        tokens = torch.full((len(examples), width), pad_id, dtype=torch.long)
        tag_ids = torch.full((len(examples), width), IGNORE, dtype=torch.long)
        attn = torch.zeros((len(examples), width), dtype=torch.long)
        for row, (ids, tags) in enumerate(examples):
            tokens[row, : len(ids)] = torch.tensor(ids)
            tag_ids[row, : len(tags)] = torch.tensor(tags)
            attn[row, : len(ids)] = 1
        return TaggedBatch(tokens=tokens, attn=attn, tag_ids=tag_ids)

    return collate


class CoreLogTagger(L.LightningModule):
    def __init__(self, vocab_size: int, pooling: Literal["none", "dropout"] = "dropout", lr: float = 1e-3):
        super().__init__()
        self.save_hyperparameters()
        self.encoder = BertModel(
            BertConfig(
                vocab_size=vocab_size,
                hidden_size=32,
                num_hidden_layers=1,
                num_attention_heads=2,
                intermediate_size=64,
                max_position_embeddings=64,
            ),
            add_pooling_layer=False,
        )
        self.drop = nn.Dropout(0.1) if pooling == "dropout" else nn.Identity()
        self.tag_head = nn.Linear(32, len(CoreTag))

    def forward(self, tokens: torch.Tensor, attn: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=tokens, attention_mask=attn).last_hidden_state
        return self.tag_head(self.drop(hidden))

    def training_step(self, batch: TaggedBatch, batch_idx: int) -> torch.Tensor:
        tag_logits = self(batch["tokens"], batch["attn"])
        loss = F.cross_entropy(tag_logits, batch["tag_ids"], ignore_index=IGNORE)
        self.log("train_loss", loss, prog_bar=False, batch_size=batch["tokens"].size(0))
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main() -> None:
    L.seed_everything(5)
    tok = BertTokenizer(write_vocab(CORE_NOTES))
    examples = list(iter_examples(tok))
    print(f"{len(examples)} core notes, {len(CoreTag)} tags, vocab {tok.vocab_size}")
    loader = DataLoader(examples, batch_size=4, shuffle=True, collate_fn=make_collate(tok.pad_token_id))

    tagger = CoreLogTagger(tok.vocab_size)
    trainer = L.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
    )
    trainer.fit(tagger, train_dataloaders=loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
