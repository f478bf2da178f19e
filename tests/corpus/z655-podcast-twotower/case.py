"""Two-tower retrieval for podcast episodes.

Listener tower: small MLP over listening statistics.
Episode tower: tiny BERT over the episode blurb, concatenated with a few
numeric episode attributes. Trained with in-batch softmax (each listener's own
episode is the positive, the rest of the batch are negatives).
"""
import os
import random
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)
random.seed(3)

BLURBS = [
    "deep dive into medieval trade routes and salt merchants",
    "interview with a beekeeper about urban hives",
    "true story of a lighthouse keeper lost at sea",
    "beginner guide to sourdough starters and hydration",
    "chess openings explained for club players",
    "history of typefaces and the people who drew them",
    "marathon training myths debunked by a physiologist",
    "how volcano monitoring predicts eruptions",
    "jazz drummers who changed the sound of bebop",
    "the economics of small island fisheries",
    "restoring vintage motorcycles in a garden shed",
    "a year living on a canal boat",
]
LISTENER_DIM, EPISODE_DIM = 6, 4


@dataclass
class Play:
    listener: list   # hours per week, share of night listening, skip rate, ...
    blurb: str
    episode: list    # duration, explicit flag, age in weeks, series position


def synthetic_plays(n=32):
    plays = []
    for _ in range(n):
        blurb = random.choice(BLURBS)
        plays.append(Play([random.random() for _ in range(LISTENER_DIM)], blurb,
                          [random.random() for _ in range(EPISODE_DIM)]))
    return plays


def make_collate(tok):
    def collate(plays):
        enc = tok([p.blurb for p in plays], padding=True, return_tensors="pt")
        return (enc["input_ids"], enc["attention_mask"],
                torch.tensor([p.episode for p in plays]),
                torch.tensor([p.listener for p in plays]))
    return collate


class EpisodeTower(nn.Module):
    def __init__(self, bert_cfg, out_dim):
        super().__init__()
        self.bert = BertModel(bert_cfg, add_pooling_layer=False)
        self.proj = nn.Linear(bert_cfg.hidden_size + EPISODE_DIM, out_dim)

    def forward(self, ids, attn, attrs):
        cls = self.bert(input_ids=ids, attention_mask=attn).last_hidden_state[:, 0]
        return self.proj(torch.cat([cls, attrs], dim=-1))


class TwoTower(L.LightningModule):
    def __init__(self, bert_cfg, out_dim=16, temperature=0.1):
        super().__init__()
        self.listener_tower = nn.Sequential(nn.Linear(LISTENER_DIM, 32), nn.ReLU(), nn.Linear(32, out_dim))
        self.episode_tower = EpisodeTower(bert_cfg, out_dim)
        self.temperature = temperature

    def training_step(self, batch, batch_idx):
        ids, attn, listener, attrs = batch
        u = F.normalize(self.listener_tower(listener), dim=-1)
        v = F.normalize(self.episode_tower(ids, attn, attrs), dim=-1)
        sim = u @ v.T / self.temperature
        loss = F.cross_entropy(sim, torch.arange(sim.size(0), device=sim.device))
        if batch_idx % 2 == 0:
            print(f"step {batch_idx}: in-batch loss {loss.item():.4f}")
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-3)


def main():
    words = sorted({w for b in BLURBS for w in b.split()})
    vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_path)

    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32)
    loader = DataLoader(synthetic_plays(), batch_size=8, shuffle=True, collate_fn=make_collate(tok))
    model = TwoTower(cfg)

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print("done, trained on", len(loader.dataset), "plays")


if __name__ == "__main__":
    main()
