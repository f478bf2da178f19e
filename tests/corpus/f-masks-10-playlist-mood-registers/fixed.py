import random

import torch
from torch import nn

random.seed(0)
torch.manual_seed(0)

PAD_ID = 0
NUM_TRACKS = 300
MOODS = ["chill", "workout", "focus", "party"]
NUM_REGISTERS = 2


def make_playlist():
    mood = random.randrange(len(MOODS))
    length = random.randint(5, 20)
    band = range(1 + mood * 70, 1 + (mood + 1) * 70)
    tracks = [random.choice(band) if random.random() < 0.7 else random.randint(1, NUM_TRACKS - 1)
              for _ in range(length)]
    return tracks, mood


def collate(batch):
    longest = max(len(t) for t, _ in batch)
    ids = torch.full((len(batch), longest), PAD_ID)
    for i, (tracks, _) in enumerate(batch):
        ids[i, :len(tracks)] = torch.tensor(tracks)
    return ids, torch.tensor([m for _, m in batch])


class PlaylistMoodEncoder(nn.Module):
    def __init__(self, d_model=32):
        super().__init__()
        self.track_emb = nn.Embedding(NUM_TRACKS, d_model, padding_idx=PAD_ID)
        self.registers = nn.Parameter(torch.randn(1, NUM_REGISTERS, d_model) * 0.02)
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(d_model, len(MOODS))

    def forward(self, ids, padding_mask):
        x = self.track_emb(ids)
        regs = self.registers.expand(ids.size(0), -1, -1)
        x = torch.cat([regs, x], dim=1)
        reg_mask = padding_mask.new_zeros(ids.size(0), NUM_REGISTERS)
        padding_mask = torch.cat([reg_mask, padding_mask], dim=1)
        h = self.encoder(x, src_key_padding_mask=padding_mask)
        return self.head(h[:, 0])


playlists = [make_playlist() for _ in range(256)]
loader = torch.utils.data.DataLoader(playlists, batch_size=32, shuffle=True, collate_fn=collate)
model = PlaylistMoodEncoder()
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
loss_fn = nn.CrossEntropyLoss()

for epoch in range(1):
    model.train()
    correct = 0
    for ids, moods in loader:
        padding_mask = ids == PAD_ID
        logits = model(ids, padding_mask)
        loss = loss_fn(logits, moods)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        correct += (logits.argmax(-1) == moods).sum().item()
    print(f"epoch {epoch}: loss {loss.item():.3f} acc {correct / len(playlists):.2f}")
