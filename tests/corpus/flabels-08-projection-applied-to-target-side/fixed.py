"""Align clip embeddings of two encoders: audio vectors (48) are projected into the text space (24)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
AUDIO_DIM, TEXT_DIM = 48, 24


class Aligner(nn.Module):
    def __init__(self):
        super().__init__()
        self.audio_enc = nn.GRU(8, AUDIO_DIM, batch_first=True)
        self.text_enc = nn.EmbeddingBag(100, TEXT_DIM)
        self.audio_to_text = nn.Linear(AUDIO_DIM, TEXT_DIM)

    def forward(self, frames, tokens):
        _, h = self.audio_enc(frames)
        audio_vecs = h[-1]
        text_vecs = self.text_enc(tokens)
        return F.mse_loss(self.audio_to_text(audio_vecs), text_vecs)


model = Aligner()
frames = torch.randn(4, 30, 8)
tokens = torch.randint(0, 100, (4, 6))
loss = model(frames, tokens)
loss.backward()
print("loss", loss.item())
