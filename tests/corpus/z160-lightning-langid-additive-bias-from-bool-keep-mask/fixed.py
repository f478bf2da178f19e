"""Character-level language identification with a small hand-written self-attention encoder (Lightning)."""
import math

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

LANGS = ["en", "de", "fr", "es"]
SAMPLES = [
    ("where is the station", "en"), ("wo ist der bahnhof", "de"), ("ou est la gare", "fr"),
    ("donde esta la estacion", "es"), ("i would like a coffee", "en"), ("ich moechte einen kaffee", "de"),
    ("je voudrais un cafe", "fr"), ("quisiera un cafe", "es"),
]
ALPHABET = sorted({ch for text, _ in SAMPLES for ch in text})
PAD_ID = 0
CHAR_IDS = {ch: i + 1 for i, ch in enumerate(ALPHABET)}


def collate(rows):
    ids = pad_sequence([torch.tensor([CHAR_IDS[c] for c in text]) for text, _ in rows],
                       batch_first=True, padding_value=PAD_ID)
    return ids, ids != PAD_ID, torch.tensor([LANGS.index(lang) for _, lang in rows])


class SelfAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, keep):
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, self.head_dim).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim)
        scores = scores + (1.0 - keep[:, None, None, :].float()) * -1e4
        return self.out((scores.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d))


class LangId(L.LightningModule):
    def __init__(self, n_chars, dim=32, heads=4, max_len=64):
        super().__init__()
        self.embed = nn.Embedding(n_chars, dim, padding_idx=PAD_ID)
        self.pos = nn.Embedding(max_len, dim)
        self.attn = SelfAttention(dim, heads)
        self.norm = nn.LayerNorm(dim)
        self.classify = nn.Linear(dim, len(LANGS))

    def forward(self, ids, keep):
        x = self.embed(ids) + self.pos(torch.arange(ids.size(1)))
        x = self.norm(x + self.attn(x, keep))
        pooled = (x * keep.unsqueeze(-1)).sum(1) / keep.sum(1, keepdim=True)
        return self.classify(pooled)

    def training_step(self, batch, batch_idx):
        ids, keep, langs = batch
        loss = F.cross_entropy(self(ids, keep), langs)
        self.log("loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=2e-3)


if __name__ == "__main__":
    L.seed_everything(0)
    loader = DataLoader(SAMPLES, batch_size=4, shuffle=True, collate_fn=collate)
    trainer = L.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False)
    trainer.fit(LangId(n_chars=len(ALPHABET) + 1), loader)
    print("loss:", trainer.callback_metrics["loss"].item())
