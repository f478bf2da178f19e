"""Tag lithology and mineral mentions in drill-core logging notes.

Geologists write short free-text notes per metre of core; we want BIO tags for
ROCK / MIN / DEPTH spans so the notes can be loaded into the assay database.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

NOTES = [
    ("42.5 m granite with disseminated pyrite", "B-DEPTH I-DEPTH B-ROCK O B-MIN B-MIN"),
    ("basalt vesicular chlorite in fractures at 51.0 m", "B-ROCK O B-MIN O O O B-DEPTH I-DEPTH"),
    ("quartz vein with chalcopyrite", "B-MIN O O B-MIN"),
    ("60.2 m altered andesite minor magnetite", "B-DEPTH I-DEPTH O B-ROCK O B-MIN"),
    ("black shale graphitic", "B-ROCK I-ROCK O"),
    ("sheared granite sericite alteration 77.8 m", "O B-ROCK B-MIN O B-DEPTH I-DEPTH"),
]


@dataclass
class Example:
    words: list
    tags: list


class TaggerConfig:
    __slots__ = ("entity_types", "hidden", "max_len", "lr", "batch_size")

    def __init__(self, entity_types, hidden=32, max_len=24, lr=1e-3, batch_size=3):
        self.entity_types = tuple(entity_types)
        self.hidden, self.max_len, self.lr, self.batch_size = hidden, max_len, lr, batch_size

    @classmethod
    def from_dict(cls, d):
        return cls(**d)

    @classmethod
    def for_task(cls, task):
        return cls.from_dict({"core_logging": {"entity_types": ("ROCK", "MIN", "DEPTH")}}[task])

    @property
    def tags(self):
        return ("O",) + tuple(f"{p}-{e}" for e in self.entity_types for p in ("B", "I"))

    @property
    def num_tags(self):
        return len(self.tags)


class CoreLogTagger(L.LightningModule):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        self.cfg = cfg
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                                            num_attention_heads=2, intermediate_size=cfg.hidden * 2,
                                            max_position_embeddings=cfg.max_len))
        self.tag_head = torch.nn.Linear(cfg.hidden, cfg.num_tags)

    @classmethod
    def from_config(cls, cfg, tokenizer):
        return cls(cfg, vocab_size=len(tokenizer))

    def forward(self, ids, attn):
        hidden = self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state
        return self.tag_head(hidden)

    def training_step(self, batch, batch_idx):
        scores = self(batch["ids"], batch["attn"])
        loss = F.cross_entropy(scores, batch["tag_ids"], ignore_index=-100)
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.cfg.lr)


class WordPieceAligner:
    __slots__ = ("tok", "tag2id", "max_len")

    def __init__(self, tok, cfg):
        self.tok, self.max_len = tok, cfg.max_len
        self.tag2id = {t: i for i, t in enumerate(cfg.tags)}

    @staticmethod
    def read(notes):
        for text, tags in notes:
            yield Example(text.split(), tags.split())

    def encode(self, ex):
        ids, tag_ids = [self.tok.cls_token_id], [-100]
        for word, tag in zip(ex.words, ex.tags):
            pieces = self.tok.convert_tokens_to_ids(self.tok.tokenize(word)) or [self.tok.unk_token_id]
            ids += pieces
            tag_ids += [self.tag2id[tag]] + [-100] * (len(pieces) - 1)
        ids, tag_ids = ids[: self.max_len - 1] + [self.tok.sep_token_id], tag_ids[: self.max_len - 1] + [-100]
        fill = self.max_len - len(ids)
        return ids + [self.tok.pad_token_id] * fill, [1] * len(ids) + [0] * fill, tag_ids + [-100] * fill

    def __call__(self, examples):
        cols = list(zip(*(self.encode(ex) for ex in examples)))
        return {"ids": torch.tensor(cols[0]), "attn": torch.tensor(cols[1]), "tag_ids": torch.tensor(cols[2])}


def write_vocab(notes):
    words = sorted({w for text, _ in notes for w in text.lower().split()})
    path = os.path.join(tempfile.mkdtemp(prefix="corelog_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def main():
    L.seed_everything(5, verbose=False)
    random.seed(5)
    cfg = TaggerConfig.for_task("core_logging")
    tok = BertTokenizer(write_vocab(NOTES))
    aligner = WordPieceAligner(tok, cfg)
    examples = list(WordPieceAligner.read(NOTES))
    loader = DataLoader(examples, batch_size=cfg.batch_size, shuffle=True, collate_fn=aligner)
    model = CoreLogTagger.from_config(cfg, tok)
    print(f"tags={cfg.tags} ({cfg.num_tags}), {len(examples)} notes")

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False, log_every_n_steps=1)
    trainer.fit(model, loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
