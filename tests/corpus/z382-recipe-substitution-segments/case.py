"""Ingredient-substitution checker for a recipe app.

Input is three segments -- dish, the ingredient to replace, a proposed substitute --
and the model predicts whether the swap works. A tiny BERT trained with Lightning.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import lightning.pytorch as pl
import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

DISHES = ["pancakes", "brownies", "curry", "risotto", "pesto", "omelette", "muffins", "chili"]
GOOD_SWAPS = {
    "butter": ["margarine", "ghee", "applesauce"],
    "egg": ["flaxseed", "banana", "yogurt"],
    "milk": ["oatmilk", "soymilk", "almondmilk"],
    "cream": ["coconutmilk", "cashews"],
    "parmesan": ["pecorino", "yeast"],
}
BAD_SWAPS = ["ketchup", "vinegar", "gelatin", "mustard", "salt", "cornflakes"]


@dataclass
class SwapConfig:
    n_examples: int = 64
    max_len: int = 16
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    batch_size: int = 16
    lr: float = 1e-3
    seed: int = 3


def write_vocab(folder):
    words = set(DISHES) | set(GOOD_SWAPS) | set(BAD_SWAPS)
    for subs in GOOD_SWAPS.values():
        words |= set(subs)
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)))
    return path


class SwapPairs(Dataset):
    def __init__(self, tokenizer, cfg):
        rng = random.Random(cfg.seed)
        self.tok = tokenizer
        self.max_len = cfg.max_len
        self.rows = []
        for _ in range(cfg.n_examples):
            dish = rng.choice(DISHES)
            original = rng.choice(list(GOOD_SWAPS))
            if rng.random() < 0.5:
                self.rows.append((dish, original, rng.choice(GOOD_SWAPS[original]), 1))
            else:
                self.rows.append((dish, original, rng.choice(BAD_SWAPS), 0))

    def __len__(self):
        return len(self.rows)

    def encode_segments(self, segments):
        ids = [self.tok.cls_token_id]
        types = [0]
        for seg_idx, text in enumerate(segments):
            piece = self.tok.convert_tokens_to_ids(self.tok.tokenize(text)) + [self.tok.sep_token_id]
            ids += piece
            types += [seg_idx] * len(piece)
        pad = self.max_len - len(ids)
        return {
            "input_ids": torch.tensor(ids + [self.tok.pad_token_id] * pad),
            "token_type_ids": torch.tensor(types + [0] * pad),
            "attention_mask": torch.tensor([1] * len(ids) + [0] * pad),
        }

    def __getitem__(self, i):
        dish, original, substitute, ok = self.rows[i]
        item = self.encode_segments([dish, original, substitute])
        item["labels"] = torch.tensor(ok)
        return item


class SwapClassifier(pl.LightningModule):
    def __init__(self, vocab_size, cfg):
        super().__init__()
        self.cfg = cfg
        bert_cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=cfg.hidden,
            num_hidden_layers=cfg.layers,
            num_attention_heads=cfg.heads,
            intermediate_size=cfg.hidden * 2,
            max_position_embeddings=64,
            num_labels=2,
        )
        self.bert = BertForSequenceClassification(bert_cfg)

    def training_step(self, batch, batch_idx):
        out = self.bert(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.cfg.lr)


def main():
    cfg = SwapConfig()
    pl.seed_everything(cfg.seed, verbose=False)
    tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp()))
    loader = DataLoader(SwapPairs(tokenizer, cfg), batch_size=cfg.batch_size, shuffle=True)
    module = SwapClassifier(tokenizer.vocab_size, cfg)
    trainer = pl.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                         logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(module, loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
