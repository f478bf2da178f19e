"""Query -> product-title dual encoder trained with in-batch negatives in Lightning."""
import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

PAIRS = [
    ("running shoes for men", "mens lightweight road running shoe"),
    ("wireless mouse", "bluetooth silent wireless mouse for laptop"),
    ("coffee grinder", "electric burr coffee grinder with timer"),
    ("yoga mat thick", "extra thick non slip yoga mat"),
    ("phone case iphone", "shockproof clear case for iphone"),
    ("desk lamp led", "dimmable led desk lamp with usb port"),
    ("water bottle steel", "insulated stainless steel water bottle"),
    ("kids rain boots", "waterproof rain boots for kids"),
]
VOCAB = {w: i for i, w in enumerate(sorted({w for q, t in PAIRS for w in f"{q} {t}".split()}), start=1)}


def collate(batch):
    def ids(texts):
        return pad_sequence([torch.tensor([VOCAB[w] for w in t.split()]) for t in texts], batch_first=True)
    return ids([q for q, _ in batch]), ids([t for _, t in batch])


class TowerEncoder(nn.Module):
    def __init__(self, vocab_size, dim):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.proj = nn.Linear(dim, dim)

    def forward(self, ids):
        mask = (ids != 0).unsqueeze(-1).float()
        pooled = (self.embed(ids) * mask).sum(1) / mask.sum(1)
        emb = self.proj(pooled)
        return emb / emb.norm(dim=-1, keepdim=True)


class DualEncoder(L.LightningModule):
    def __init__(self, vocab_size, dim=32, temperature=0.05):
        super().__init__()
        self.save_hyperparameters()
        self.query_tower = TowerEncoder(vocab_size, dim)
        self.title_tower = TowerEncoder(vocab_size, dim)

    def training_step(self, batch, batch_idx):
        queries, titles = batch
        sim = self.query_tower(queries) @ self.title_tower(titles).T / self.hparams.temperature
        loss = F.cross_entropy(sim, torch.arange(sim.size(0), device=sim.device))
        self.log("in_batch_ce", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=3e-3)


if __name__ == "__main__":
    L.seed_everything(0)
    loader = DataLoader(PAIRS, batch_size=4, shuffle=True, collate_fn=collate)
    trainer = L.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False)
    trainer.fit(DualEncoder(len(VOCAB) + 1), loader)
    print(trainer.callback_metrics)
