"""Classify drill-core log lines into lithology groups with a tiny BERT under Lightning."""
import argparse
import random
import shutil
import tempfile
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

import lightning as L
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


class Lithology(IntEnum):
    SANDSTONE = 0
    SHALE = 1
    LIMESTONE = 2


# depth and sample markers are kept as whole tokens so the tokenizer never splits them
MARKERS = ["[DEPTH]", "[CORE]", "[FRAC]"]

LOGS = [
    ("[CORE] [DEPTH] 112 fine grained quartz sand well sorted", Lithology.SANDSTONE),
    ("[CORE] [DEPTH] 140 cross bedded sand with iron staining", Lithology.SANDSTONE),
    ("[CORE] [DEPTH] 305 dark fissile clay laminated [FRAC]", Lithology.SHALE),
    ("[CORE] [DEPTH] 322 grey clay with organic laminae", Lithology.SHALE),
    ("[CORE] [DEPTH] 510 fossiliferous carbonate reacts with acid", Lithology.LIMESTONE),
    ("[CORE] [DEPTH] 547 micritic carbonate with stylolites [FRAC]", Lithology.LIMESTONE),
]


@dataclass(frozen=True)
class CoreConfig:
    hidden: int = 32
    max_len: int = 20
    batch_size: int = 2
    lr: float = 1e-3
    seed: int = 3


class CoreLogDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        self.rows = rows
        self.tokenizer = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, litho = self.rows[idx]
        enc = self.tokenizer(text, padding="max_length", truncation=True,
                             max_length=self.max_len, return_tensors="pt")
        return {"ids": enc["input_ids"][0], "attn": enc["attention_mask"][0],
                "target": torch.tensor(int(litho))}


class LithologyClassifier(L.LightningModule):
    def __init__(self, vocab_size: int, cfg: CoreConfig):
        super().__init__()
        self.cfg = cfg
        self.net = BertForSequenceClassification(BertConfig(
            vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
            num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
            num_labels=len(Lithology),
        ))

    def training_step(self, batch, batch_idx):
        out = self.net(input_ids=batch["ids"], attention_mask=batch["attn"], labels=batch["target"])
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.cfg.lr)


def build_tokenizer(rows, workdir: Path) -> BertTokenizer:
    words = sorted({w for text, _ in rows for w in text.split() if w not in MARKERS})
    vocab_file = workdir / "vocab.txt"
    vocab_file.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(str(vocab_file))
    tok.add_tokens(MARKERS, special_tokens=True)
    return tok


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch-size", type=int, default=CoreConfig.batch_size)
    parser.add_argument("--lr", type=float, default=CoreConfig.lr)
    args = parser.parse_args([])
    cfg = CoreConfig(batch_size=args.batch_size, lr=args.lr)

    random.seed(cfg.seed)
    L.seed_everything(cfg.seed, verbose=False)

    workdir = Path(tempfile.mkdtemp(prefix="corelog-"))
    try:
        tokenizer = build_tokenizer(LOGS, workdir)
        print(f"tokenizer ready: vocab size {tokenizer.vocab_size}, markers {MARKERS}")
        loader = DataLoader(CoreLogDataset(LOGS, tokenizer, cfg.max_len),
                            batch_size=cfg.batch_size, shuffle=True)
        module = LithologyClassifier(len(tokenizer), cfg)
        trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                            logger=False, enable_checkpointing=False)
        trainer.fit(module, train_dataloaders=loader)
        print("done, last loss:", float(trainer.callback_metrics["train_loss"]))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
