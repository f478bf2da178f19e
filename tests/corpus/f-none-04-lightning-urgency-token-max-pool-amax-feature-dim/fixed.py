"""Classify IT support e-mails by urgency with a BiGRU + max-pooling model trained by Lightning."""
import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

LEVELS = ["low", "normal", "urgent"]
EMAILS = [
    ("the printer on floor two is a bit slow", 0),
    ("please update my email signature when you have time", 0),
    ("server down and nobody in the office can log in right now", 2),
    ("i need a new mouse", 1),
    ("production database is not responding customers cannot pay", 2),
    ("can you install the new version of the pdf reader", 1),
    ("my monitor flickers sometimes", 1),
    ("no rush but the meeting room clock is wrong", 0),
]
PAD = 0
vocab = {w: i + 1 for i, w in enumerate(sorted({w for t, _ in EMAILS for w in t.split()}))}


def collate(rows):
    ids = [torch.tensor([vocab[w] for w in text.split()]) for text, _ in rows]
    padded = pad_sequence(ids, batch_first=True, padding_value=PAD)
    return padded, padded != PAD, torch.tensor([y for _, y in rows])


def token_max_pool(states, keep):
    states = states.masked_fill(~keep.unsqueeze(-1), float("-inf"))
    return states.amax(dim=1)


class UrgencyModel(L.LightningModule):
    def __init__(self, n_words, emb_dim=20, hidden=16, n_levels=3):
        super().__init__()
        self.embed = nn.Embedding(n_words, emb_dim, padding_idx=PAD)
        self.rnn = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, n_levels)

    def forward(self, ids, keep):
        states, _ = self.rnn(self.embed(ids))
        return self.head(token_max_pool(states, keep))

    def training_step(self, batch, batch_idx):
        ids, keep, y = batch
        loss = F.cross_entropy(self(ids, keep), y)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-2)


if __name__ == "__main__":
    L.seed_everything(7, verbose=False)
    model = UrgencyModel(len(vocab) + 1, n_levels=len(LEVELS))
    loader = DataLoader(EMAILS, batch_size=4, shuffle=False, collate_fn=collate)
    trainer = L.Trainer(accelerator="cpu", max_epochs=1, logger=False,
                        enable_checkpointing=False, enable_progress_bar=False)
    trainer.fit(model, loader)
    model.eval()
    with torch.no_grad():
        ids, keep, y = collate(EMAILS)
        preds = model(ids, keep).argmax(dim=-1)
    print("train accuracy:", (preds == y).float().mean().item())
