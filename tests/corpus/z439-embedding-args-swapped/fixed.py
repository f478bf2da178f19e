import argparse
import random
import tempfile

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset


def get_args():
    p = argparse.ArgumentParser()
    p.add_argument("--embed-dim", type=int, default=32)
    p.add_argument("--num-classes", type=int, default=4)
    p.add_argument("--seq-len", type=int, default=12)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=2e-3)
    return p.parse_args([])


def make_corpus(n, seq_len, n_classes, seed=0):
    """Synthetic 'topic' data: each class draws most of its words from its own slice of the vocab."""
    rng = random.Random(seed)
    vocab = ["<pad>", "<unk>"] + [f"w{i}" for i in range(118)]
    stoi = {w: i for i, w in enumerate(vocab)}
    span = (len(vocab) - 2) // n_classes
    xs, ys = [], []
    for _ in range(n):
        c = rng.randrange(n_classes)
        lo = 2 + c * span
        toks = [vocab[rng.randrange(lo, lo + span)] if rng.random() < 0.8 else vocab[rng.randrange(2, len(vocab))]
                for _ in range(rng.randint(5, seq_len))]
        ids = [stoi.get(t, 1) for t in toks] + [0] * (seq_len - len(toks))
        xs.append(ids)
        ys.append(c)
    return vocab, torch.tensor(xs), torch.tensor(ys)


class BagOfEmbeddings(L.LightningModule):
    def __init__(self, vocab_size, embed_dim, num_classes, lr=1e-3, pad_idx=0):
        super().__init__()
        self.save_hyperparameters()
        self.emb = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.proj = nn.Sequential(nn.Linear(embed_dim, embed_dim), nn.GELU(), nn.Dropout(0.1))
        self.out = nn.Linear(embed_dim, num_classes)

    def forward(self, ids):
        mask = (ids != self.hparams.pad_idx).unsqueeze(-1).float()
        e = self.emb(ids) * mask
        pooled = e.sum(1) / mask.sum(1).clamp(min=1.0)
        return self.out(self.proj(pooled))

    def training_step(self, batch, batch_idx):
        ids, y = batch
        loss = F.cross_entropy(self(ids), y)
        self.log("train_loss", loss, prog_bar=True)
        return loss

    def validation_step(self, batch, batch_idx):
        ids, y = batch
        logits = self(ids)
        self.log("val_loss", F.cross_entropy(logits, y))
        self.log("val_acc", (logits.argmax(-1) == y).float().mean())

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


def main():
    args = get_args()
    L.seed_everything(42, workers=True)
    vocab, x, y = make_corpus(48, args.seq_len, args.num_classes)
    train_dl = DataLoader(TensorDataset(x[:40], y[:40]), batch_size=args.batch_size, shuffle=True)
    val_dl = DataLoader(TensorDataset(x[40:], y[40:]), batch_size=args.batch_size)

    model = BagOfEmbeddings(len(vocab), args.embed_dim, args.num_classes, lr=args.lr)
    trainer = L.Trainer(
        max_epochs=args.epochs,
        accelerator="cpu",
        devices=1,
        default_root_dir=tempfile.mkdtemp(),
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
    )
    trainer.fit(model, train_dl, val_dl)
    print(trainer.callback_metrics)


if __name__ == "__main__":
    main()
