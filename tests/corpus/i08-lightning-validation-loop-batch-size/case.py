"""A Lightning sentiment model that logs how confident it is on each validation review."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)


class SentimentModel(L.LightningModule):
    def __init__(self, batch_size=8):
        super().__init__()
        self.save_hyperparameters()
        self.embed = nn.EmbeddingBag(200, 16)
        self.head = nn.Linear(16, 2)
        self.confidences = []

    def forward(self, ids):
        return self.head(self.embed(ids))

    def training_step(self, batch, batch_idx):
        ids, y = batch
        return F.cross_entropy(self(ids), y)

    def validation_step(self, batch, batch_idx):
        ids, y = batch
        probs = self(ids).softmax(-1)
        for i in range(self.hparams.batch_size):
            self.confidences.append(probs[i, y[i]].item())

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


train = TensorDataset(torch.randint(0, 200, (16, 12)), torch.randint(0, 2, (16,)))
val = TensorDataset(torch.randint(0, 200, (12, 12)), torch.randint(0, 2, (12,)))
model = SentimentModel(batch_size=8)
trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_model_summary=False, enable_progress_bar=False, num_sanity_val_steps=0)
trainer.fit(model, DataLoader(train, batch_size=8), DataLoader(val, batch_size=8))
print(len(model.confidences), "validation reviews scored")
