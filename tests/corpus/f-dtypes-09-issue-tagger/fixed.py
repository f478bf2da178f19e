import random

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader

TAGS = ["bug", "docs", "perf", "ui", "security"]
NUM_FEATURES = 24


def make_ticket(rng):
    features = torch.randn(NUM_FEATURES)
    tag_vector = torch.tensor([1 if rng.random() < 0.3 else 0 for _ in TAGS], dtype=torch.float)
    return {"x": features, "flags": tag_vector}


def build_tickets(n, seed=0):
    rng = random.Random(seed)
    return [make_ticket(rng) for _ in range(n)]


def collate_tickets(examples):
    return {
        "x": torch.stack([ex["x"] for ex in examples]),
        "flags": torch.stack([ex["flags"] for ex in examples]),
    }


class TicketTagger(L.LightningModule):
    def __init__(self, hidden=32, lr=1e-3):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(NUM_FEATURES, hidden),
            nn.ReLU(),
            nn.Linear(hidden, len(TAGS)),
        )
        self.loss_fn = nn.BCEWithLogitsLoss()
        self.lr = lr

    def forward(self, x):
        return self.encoder(x)

    def training_step(self, batch, batch_idx):
        logits = self(batch["x"])
        loss = self.loss_fn(logits, batch["flags"])
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    torch.manual_seed(0)
    tickets = build_tickets(64)
    loader = DataLoader(tickets, batch_size=16, shuffle=True, collate_fn=collate_tickets)
    model = TicketTagger()
    trainer = L.Trainer(
        accelerator="cpu",
        max_epochs=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(model, loader)
    print("finished, last loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
