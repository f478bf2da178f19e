import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
import lightning.pytorch as pl

INTENTS = ["billing", "login_issue", "refund", "shipping", "cancel"]
VOCAB_SIZE = 300
MAX_TOKENS = 20


class TicketDataset(Dataset):
    def __init__(self, n_tickets, seed=0):
        rng = random.Random(seed)
        self.items = []
        for _ in range(n_tickets):
            intent = rng.randrange(len(INTENTS))
            length = rng.randint(6, MAX_TOKENS)
            ids = [rng.randrange(1, VOCAB_SIZE) for _ in range(length)]
            ids[0] = 10 + intent
            ids = ids + [0] * (MAX_TOKENS - length)
            self.items.append((ids, intent))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        ids, intent = self.items[idx]
        return {
            "token_ids": torch.tensor(ids, dtype=torch.long),
            "intent": torch.tensor(intent, dtype=torch.long),
        }


class TicketEncoder(nn.Module):
    def __init__(self, vocab_size, emb_dim, hidden, n_intents):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.rnn = nn.GRU(emb_dim, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(hidden, n_intents))

    def forward(self, token_ids):
        states, last = self.rnn(self.embed(token_ids))
        logits = self.head(last[-1])
        return logits, states


class IntentClassifier(pl.LightningModule):
    def __init__(self, lr=3e-3):
        super().__init__()
        self.lr = lr
        self.encoder = TicketEncoder(VOCAB_SIZE, 32, 48, len(INTENTS))

    def forward(self, token_ids):
        return self.encoder(token_ids)

    def training_step(self, batch, batch_idx):
        outputs = self(batch["token_ids"])
        intent_scores = outputs[1]
        loss = F.cross_entropy(intent_scores, batch["intent"])
        acc = (intent_scores.argmax(-1) == batch["intent"]).float().mean()
        self.log("train_loss", loss)
        self.log("train_acc", acc)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    pl.seed_everything(7)
    train_loader = DataLoader(TicketDataset(96), batch_size=8, shuffle=True)
    model = IntentClassifier()
    trainer = pl.Trainer(
        max_epochs=1,
        accelerator="cpu",
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
    )
    trainer.fit(model, train_loader)
    print("finished training on", len(train_loader.dataset), "tickets")


if __name__ == "__main__":
    main()
