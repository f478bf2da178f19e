"""Topic classification with PyTorch Lightning: a GRU encoder and a linear head."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
CLASSES = ["world", "sports", "business", "science"]


class TopicClassifier(L.LightningModule):
    def __init__(self, vocab_size=100, dim=16, num_classes=3):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim)
        self.encoder = nn.GRU(dim, dim, batch_first=True)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, ids):
        _, h = self.encoder(self.embed(ids))
        return self.head(h[-1])

    def training_step(self, batch, batch_idx):
        ids, y = batch
        return F.cross_entropy(self(ids), y)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-3)


ids = torch.randint(1, 100, (12, 8))
topics = torch.tensor([i % len(CLASSES) for i in range(12)])
loader = DataLoader(TensorDataset(ids, topics), batch_size=4, shuffle=True)
model = TopicClassifier()
trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_model_summary=False, enable_progress_bar=False)
trainer.fit(model, loader)
print("trained")
