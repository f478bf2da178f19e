"""Multi-task text model: one shared GRU encoder, one head per task.
DEVICE is CUDA when available; on CPU-only machines the meta device stands in for the accelerator."""
import torch
import torch.nn as nn

torch.manual_seed(0)
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "meta")
TASKS = {"sentiment": 2, "topic": 5, "toxicity": 2}


class MultiTaskModel(nn.Module):
    def __init__(self, vocab_size=500, dim=48):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.encoder = nn.GRU(dim, dim, batch_first=True)
        self.heads = nn.ModuleList([nn.Linear(dim, n_classes) for n_classes in TASKS.values()])

    def forward(self, input_ids):
        _, h = self.encoder(self.embed(input_ids))
        return {task: head(h[-1]) for task, head in zip(TASKS, self.heads)}


model = MultiTaskModel().to(DEVICE)
batch = torch.randint(1, 500, (8, 20)).to(DEVICE)
outputs = model(batch)
print({task: tuple(logits.shape) for task, logits in outputs.items()})
