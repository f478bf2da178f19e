import math
import random

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

random.seed(7)
torch.manual_seed(7)

N_MELS = 40
GENRES = ["jazz", "rock", "classical", "hiphop", "electronic", "folk"]
MOODS = ["happy", "sad", "energetic", "calm", "dark"]


def random_clip():
    frames = random.randint(50, 120)
    return torch.randn(frames, N_MELS)


genre_clips = [(random_clip(), random.randrange(len(GENRES))) for _ in range(64)]
mood_clips = []
for _ in range(24):
    tags = torch.bernoulli(torch.full((len(MOODS),), 0.3))
    annotated = torch.bernoulli(torch.full((len(MOODS),), 0.8))
    mood_clips.append((random_clip(), tags, annotated))


def batch_frames(clips):
    lengths = torch.tensor([c.size(0) for c in clips])
    mels = pad_sequence(clips, batch_first=True)
    silent = torch.arange(mels.size(1)).unsqueeze(0) >= lengths.unsqueeze(1)
    return mels, silent


def genre_batch(rows):
    mels, silent = batch_frames([r[0] for r in rows])
    return {"mels": mels, "silent": silent, "genre": torch.tensor([r[1] for r in rows])}


def mood_batch(rows):
    mels, silent = batch_frames([r[0] for r in rows])
    return {
        "mels": mels,
        "silent": silent,
        "mood": torch.stack([r[1] for r in rows]),
        "annotated": torch.stack([r[2] for r in rows]),
    }


class FrameEncoder(nn.Module):
    def __init__(self, d_model=64):
        super().__init__()
        self.proj = nn.Linear(N_MELS, d_model)
        block = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=128, batch_first=True)
        self.blocks = nn.TransformerEncoder(block, num_layers=2, enable_nested_tensor=False)

    def forward(self, mels, silent):
        h = self.blocks(self.proj(mels), src_key_padding_mask=silent)
        audible = (~silent).unsqueeze(-1).float()
        return (h * audible).sum(1) / audible.sum(1)


class ClipTagger(nn.Module):
    def __init__(self, d_model=64):
        super().__init__()
        self.encoder = FrameEncoder(d_model)
        self.task_heads = nn.ModuleDict({
            "genre": nn.Linear(d_model, len(GENRES)),
            "mood": nn.Linear(d_model, len(MOODS)),
        })

    def forward(self, task, mels, silent):
        return self.task_heads[task](self.encoder(mels, silent))


genre_ce = nn.CrossEntropyLoss()
mood_bce = nn.BCEWithLogitsLoss(reduction="none")


def genre_loss(logits, batch):
    return genre_ce(logits, batch["genre"])


def mood_loss(logits, batch):
    per_tag = mood_bce(logits, batch["mood"])
    return per_tag * batch["annotated"]


LOSS_FNS = {"genre": genre_loss, "mood": mood_loss}
BUILDERS = {"genre": genre_batch, "mood": mood_batch}
POOLS = {"genre": genre_clips, "mood": mood_clips}


def train(steps=10, clips_per_step=20):
    model = ClipTagger()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    task_names = list(POOLS)
    loss_w = torch.tensor([1.0, 1.5])
    total_clips = sum(len(p) for p in POOLS.values())
    per_task = {t: max(4, math.ceil(clips_per_step * len(POOLS[t]) / total_clips)) for t in task_names}

    for step in range(steps):
        task_losses = []
        for task in task_names:
            batch = BUILDERS[task](random.sample(POOLS[task], per_task[task]))
            logits = model(task, batch["mels"], batch["silent"])
            task_losses.append(LOSS_FNS[task](logits, batch))
        total = (torch.stack(task_losses) * loss_w).sum()
        opt.zero_grad()
        total.backward()
        opt.step()
        print(f"step {step}: total={total.item():.4f} "
              + " ".join(f"{t}={l.item():.3f}" for t, l in zip(task_names, task_losses)))


if __name__ == "__main__":
    train()
