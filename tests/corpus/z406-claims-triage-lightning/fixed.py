"""Route free-text insurance claim notes to a handling queue.

LightningModule around a small randomly initialised BertForSequenceClassification.
"""
import argparse
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
import lightning.pytorch as pl
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

QUEUES = ["auto", "property", "liability", "fraud_review"]
PHRASES = {
    "auto": ["rear ended at intersection", "windshield cracked on highway", "parked car scraped", "airbag deployed"],
    "property": ["basement flooded after storm", "roof damaged by hail", "kitchen fire smoke damage", "pipe burst"],
    "liability": ["customer slipped on wet floor", "dog bit neighbor", "visitor injured on stairs"],
    "fraud_review": ["claimant changed story twice", "receipts appear altered", "prior claim same item"],
}
FILLER = ["policyholder", "reports", "that", "the", "on", "tuesday", "adjuster", "notes", "photos", "attached",
          "no", "police", "report", "filed", "and", "witness", "statement", "pending"]


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--n-notes", type=int, default=96)
    p.add_argument("--seed", type=int, default=3)
    return p.parse_args()


def write_vocab(folder):
    words = {w for phrases in PHRASES.values() for ph in phrases for w in ph.split()} | set(FILLER)
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


class ClaimNotes(Dataset):
    def __init__(self, n, tokenizer, rng):
        self.rows = []
        for _ in range(n):
            label = rng.randrange(len(QUEUES))
            text = " ".join(rng.sample(FILLER, rng.randint(2, 9)) + [rng.choice(PHRASES[QUEUES[label]])])
            token_ids = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text))
            self.rows.append({"token_ids": token_ids, "n_tokens": len(token_ids), "label": label})

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


class ClaimsDataModule(pl.LightningDataModule):
    def __init__(self, tokenizer, args):
        super().__init__()
        self.tokenizer = tokenizer
        self.args = args

    def setup(self, stage=None):
        rng = random.Random(self.args.seed)
        self.train_set = ClaimNotes(self.args.n_notes, self.tokenizer, rng)
        self.val_set = ClaimNotes(self.args.n_notes // 4, self.tokenizer, rng)

    def collate(self, rows):
        tok = self.tokenizer
        pad_id, cls_id, sep_id = tok.pad_token_id, tok.cls_token_id, tok.sep_token_id
        longest = max(r["n_tokens"] for r in rows)
        input_ids, attention_mask = [], []
        for r in rows:
            ids = [cls_id] + r["token_ids"] + [sep_id]
            input_ids.append(ids + [pad_id] * (longest + 2 - len(ids)))
            attention_mask.append([1] * len(ids) + [0] * (longest + 2 - len(ids)))
        return {
            "input_ids": torch.tensor(input_ids),
            "attention_mask": torch.tensor(attention_mask),
            "labels": torch.tensor([r["label"] for r in rows]),
        }

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.args.batch_size, shuffle=True, collate_fn=self.collate)

    def val_dataloader(self):
        return DataLoader(self.val_set, batch_size=self.args.batch_size, collate_fn=self.collate)


class ClaimRouter(pl.LightningModule):
    def __init__(self, vocab_size, lr):
        super().__init__()
        self.lr = lr
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64, num_labels=len(QUEUES))
        self.bert = BertForSequenceClassification(cfg)

    def training_step(self, batch, batch_idx):
        out = self.bert(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def validation_step(self, batch, batch_idx):
        out = self.bert(**batch)
        acc = (out.logits.argmax(-1) == batch["labels"]).float().mean()
        self.log_dict({"val_loss": out.loss, "val_acc": acc})

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    args = parse_args()
    pl.seed_everything(args.seed)
    tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp()))
    dm = ClaimsDataModule(tokenizer, args)
    model = ClaimRouter(tokenizer.vocab_size, args.lr)
    trainer = pl.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                         enable_checkpointing=False, enable_model_summary=False, num_sanity_val_steps=0)
    trainer.fit(model, datamodule=dm)
    print(trainer.callback_metrics)


if __name__ == "__main__":
    main()
