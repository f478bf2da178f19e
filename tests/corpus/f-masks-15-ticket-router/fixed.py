import math
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import lightning.pytorch as pl
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset


@dataclass
class RouterConfig:
    vocab_size: int = 200
    dim: int = 32
    n_queues: int = 4
    max_len: int = 64
    batch_size: int = 8
    lr: float = 3e-3


CFG = RouterConfig()


class TicketDataset(Dataset):
    def __init__(self, n_tickets, seed=0):
        rng = random.Random(seed)
        self.items = []
        for _ in range(n_tickets):
            length = rng.randint(5, 20)
            ids = [rng.randint(1, CFG.vocab_size - 1) for _ in range(length)]
            queue = ids[0] % CFG.n_queues
            self.items.append((ids, queue))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        ids, queue = self.items[idx]
        return torch.tensor(ids, dtype=torch.long), queue


class TicketCollator:
    def __init__(self, pad_id=0):
        self.pad_id = pad_id

    def __call__(self, batch):
        seqs = [ids for ids, _ in batch]
        queues = torch.tensor([q for _, q in batch], dtype=torch.long)
        input_ids = pad_sequence(seqs, batch_first=True, padding_value=self.pad_id)
        mask = torch.zeros(len(batch), input_ids.size(1))
        for row, ids in enumerate(seqs):
            mask[row, : len(ids)] = 1.0
        return {"input_ids": input_ids, "mask": mask, "queue": queues}


class AttentionPoolRouter(pl.LightningModule):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.dim, padding_idx=0)
        self.encoder = nn.Sequential(nn.Linear(cfg.dim, cfg.dim), nn.GELU())
        self.query = nn.Parameter(torch.randn(cfg.dim) / math.sqrt(cfg.dim))
        self.head = nn.Linear(cfg.dim, cfg.n_queues)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, input_ids, mask):
        h = self.encoder(self.embed(input_ids))
        scores = h @ self.query / math.sqrt(self.cfg.dim)
        scores = scores.masked_fill(mask == 0, float("-inf"))
        weights = scores.softmax(dim=-1)
        pooled = torch.einsum("bl,bld->bd", weights, h)
        return self.head(pooled)

    def training_step(self, batch, batch_idx):
        logits = self(batch["input_ids"], batch["mask"])
        loss = self.loss_fn(logits, batch["queue"])
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.cfg.lr)


def main():
    torch.manual_seed(0)
    loader = DataLoader(
        TicketDataset(64),
        batch_size=CFG.batch_size,
        shuffle=True,
        collate_fn=TicketCollator(),
    )
    model = AttentionPoolRouter(CFG)
    trainer = pl.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
    )
    trainer.fit(model, loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
