#!/usr/bin/env python
"""Classify cave survey leg notes by passage type (tiny BERT + Lightning, CPU)."""
import argparse
import os
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

PASSAGE_TYPES = ["crawl", "pitch", "chamber", "sump"]

SURVEY_LEGS = [
    ("flat out on cobbles, helmet scraping roof for ten metres", "crawl"),
    ("squeeze past boulder then hands and knees in mud", "crawl"),
    ("low bedding plane, draughting strongly", "crawl"),
    ("rigged from two bolts, free hang about twenty metres to floor", "pitch"),
    ("rope rub at lip, rebelay needed halfway down", "pitch"),
    ("short climb then eight metre drop into stream", "pitch"),
    ("large boulder strewn floor, lights do not reach far wall", "chamber"),
    ("formations along north side, roof forty metres up", "chamber"),
    ("sandy floor, good camp spot, three ways on", "chamber"),
    ("water meets roof, line belayed for divers", "sump"),
    ("duck with two centimetres airspace after rain", "sump"),
    ("static pool, visibility poor, dive line continues", "sump"),
]


@dataclass
class LegExample:
    ids: torch.Tensor
    keep: torch.Tensor
    kind: int


class LegNotes(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        enc = tokenizer([r[0] for r in rows], padding="max_length", truncation=True,
                        max_length=max_len, return_tensors="pt")
        self.items = [LegExample(enc["input_ids"][i], enc["attention_mask"][i],
                                 PASSAGE_TYPES.index(r[1])) for i, r in enumerate(rows)]

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def trim_collate(examples, pad_id):
    # drop all-padding columns, the encoder is slow enough on cpu
    ids = torch.stack([e.ids for e in examples])
    keep = torch.stack([e.keep for e in examples])
    longest = int((ids != pad_id).sum(dim=1).max())
    return {"input_ids": ids[:, :longest], "attention_mask": keep[:, :longest],
            "kind": torch.tensor([e.kind for e in examples])}


class SurveyData(L.LightningDataModule):
    def __init__(self, workdir, max_len=40, batch_size=4, **_):
        super().__init__()
        self.workdir, self.max_len, self.batch_size = workdir, max_len, batch_size

    def prepare_data(self):
        words = sorted({w.strip(",") for t, _ in SURVEY_LEGS for w in t.split()})
        with open(os.path.join(self.workdir, "vocab.txt"), "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ","] + words) + "\n")

    def setup(self, stage=None):
        self.tokenizer = BertTokenizer(os.path.join(self.workdir, "vocab.txt"))
        self.train_set = LegNotes(SURVEY_LEGS, self.tokenizer, self.max_len)

    def train_dataloader(self):
        pad = self.tokenizer.pad_token_id
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True,
                          collate_fn=lambda ex: trim_collate(ex, pad))


class PassageClassifier(L.LightningModule):
    def __init__(self, vocab_size, hidden=32, lr=1e-3, **_):
        super().__init__()
        self.save_hyperparameters("vocab_size", "hidden", "lr")
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=hidden * 2,
                         max_position_embeddings=128)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = torch.nn.Linear(hidden, len(PASSAGE_TYPES))

    def forward(self, input_ids, attention_mask):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.head(states[:, 0])

    def training_step(self, batch, batch_idx):
        logits = self(batch["input_ids"], batch["attention_mask"])
        loss = F.cross_entropy(logits, batch["kind"])
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def do_train(args):
    L.seed_everything(args.seed, verbose=False)
    opts = vars(args)
    data = SurveyData(tempfile.mkdtemp(prefix="cave_"), **opts)
    data.prepare_data()
    data.setup("fit")
    print(f"{len(data.train_set)} survey legs, vocab {data.tokenizer.vocab_size}")
    model = PassageClassifier(data.tokenizer.vocab_size, **opts)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(model, datamodule=data)
    print("final loss", float(trainer.callback_metrics["train_loss"]))


def do_evaluate(args):
    print("evaluation needs a checkpoint:", args.ckpt)


def build_cli():
    cli = argparse.ArgumentParser(prog="survey-legs")
    sp = cli.add_subparsers(dest="action", required=True)
    train = sp.add_parser("train")
    train.add_argument("--max-len", type=int, default=40)
    train.add_argument("--batch-size", type=int, default=4)
    train.add_argument("--hidden", type=int, default=32)
    train.add_argument("--lr", type=float, default=1e-3)
    train.add_argument("--seed", type=int, default=3)
    train.set_defaults(func=do_train)
    ev = sp.add_parser("evaluate")
    ev.add_argument("--ckpt", default="legs.ckpt")
    ev.set_defaults(func=do_evaluate)
    return cli


def main(argv):
    args = build_cli().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main(["train", "--batch-size", "4", "--lr", "2e-3"])
