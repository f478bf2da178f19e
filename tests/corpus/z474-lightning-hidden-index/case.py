import argparse
import os
import random
import tempfile

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizerFast


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--max_len", type=int, default=16)
    p.add_argument("--batch_size", type=int, default=8)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--epochs", type=int, default=2)
    return p.parse_args([])


POS = "great love excellent happy wonderful good fun".split()
NEG = "awful hate terrible sad boring bad dull".split()
NEU = "the movie film plot actor was it very really this".split()
LABELS = ["negative", "neutral", "positive"]


def build_tokenizer():
    d = tempfile.mkdtemp()
    path = os.path.join(d, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + POS + NEG + NEU))
    return BertTokenizerFast(path)


def make_reviews(n, seed):
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        label = rng.randrange(3)
        pool = [NEG, NEU, POS][label]
        words = rng.choices(NEU, k=rng.randint(3, 7)) + rng.choices(pool, k=2)
        rng.shuffle(words)
        rows.append({"text": " ".join(words), "label": label})
    return rows


class ReviewDataset(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        self.rows, self.tok, self.max_len = rows, tokenizer, max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        enc = self.tok(self.rows[i]["text"], truncation=True, max_length=self.max_len,
                       padding="max_length", return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(self.rows[i]["label"])
        return item


class SentimentModule(L.LightningModule):
    def __init__(self, vocab_size, hidden, n_classes, lr):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=2,
                         num_attention_heads=4, intermediate_size=hidden * 2,
                         max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        outputs = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids)
        sentence_vec = outputs[0]
        return self.head(self.dropout(sentence_vec))

    def _shared_step(self, batch, stage):
        labels = batch.pop("labels")
        logits = self(**batch)
        loss = F.cross_entropy(logits, labels)
        acc = (logits.argmax(-1) == labels).float().mean()
        self.log(f"{stage}_loss", loss, prog_bar=True)
        self.log(f"{stage}_acc", acc)
        return loss

    def training_step(self, batch, batch_idx):
        return self._shared_step(batch, "train")

    def validation_step(self, batch, batch_idx):
        self._shared_step(batch, "val")

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    args = get_args()
    L.seed_everything(42)
    tok = build_tokenizer()
    train_ds = ReviewDataset(make_reviews(48, seed=1), tok, args.max_len)
    val_ds = ReviewDataset(make_reviews(16, seed=2), tok, args.max_len)
    train_dl = DataLoader(train_ds, batch_size=args.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=args.batch_size)

    model = SentimentModule(tok.vocab_size, args.hidden, len(LABELS), args.lr)
    trainer = L.Trainer(max_epochs=args.epochs, accelerator="cpu", devices=1, logger=False,
                        enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False, default_root_dir=tempfile.mkdtemp())
    trainer.fit(model, train_dl, val_dl)
    print(trainer.callback_metrics)


if __name__ == "__main__":
    main()
