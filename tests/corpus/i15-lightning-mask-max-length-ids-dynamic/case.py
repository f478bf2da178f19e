"""Intent detection in Lightning: token ids padded per batch, a padding mask from the dataset's fixed width."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

torch.manual_seed(0)
SEQ_WIDTH = 12
utterances = [[5, 8, 2], [7, 7, 3, 9, 4], [6, 2], [9, 1, 1, 3]]
intents = [0, 1, 0, 2]


def collate(batch):
    ids = pad_sequence([torch.tensor(u) for u, _ in batch], batch_first=True)
    keep = torch.zeros(len(batch), SEQ_WIDTH)
    for row, (u, _) in enumerate(batch):
        keep[row, :len(u)] = 1
    return ids, keep, torch.tensor([y for _, y in batch])


class IntentNet(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(16, 8)
        self.out = nn.Linear(8, 3)

    def training_step(self, batch, batch_idx):
        ids, keep, y = batch
        h = self.embed(ids)
        pooled = (h * keep.unsqueeze(-1)).sum(1) / keep.sum(1, keepdim=True)
        return F.cross_entropy(self.out(pooled), y)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-2)


loader = DataLoader(list(zip(utterances, intents)), batch_size=2, collate_fn=collate)
trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_model_summary=False, enable_progress_bar=False)
trainer.fit(IntentNet(), loader)
print("trained")
