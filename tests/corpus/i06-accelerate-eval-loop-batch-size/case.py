"""Evaluation of an intent classifier prepared with Accelerate: per-example confidences are collected."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
EVAL_BATCH_SIZE = 4
NUM_INTENTS = 3


class IntentModel(nn.Module):
    def __init__(self, vocab=50, dim=16):
        super().__init__()
        self.embed = nn.EmbeddingBag(vocab, dim)
        self.head = nn.Linear(dim, NUM_INTENTS)

    def forward(self, ids):
        return self.head(self.embed(ids))


ids = torch.randint(0, 50, (10, 6))
intents = torch.randint(0, NUM_INTENTS, (10,))
accelerator = Accelerator(cpu=True)
model, loader = accelerator.prepare(IntentModel(), DataLoader(TensorDataset(ids, intents), batch_size=EVAL_BATCH_SIZE))
model.eval()
confidences = []
with torch.no_grad():
    for batch_ids, batch_intents in loader:
        probs = model(batch_ids).softmax(-1)
        for i in range(EVAL_BATCH_SIZE):
            confidences.append(probs[i, batch_intents[i]].item())
print(len(confidences), "examples scored")
