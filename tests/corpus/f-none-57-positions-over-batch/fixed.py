"""Tiny transformer tagger for part-of-speech tags, with its own learned positions."""
import torch
import torch.nn as nn

torch.manual_seed(0)
N_WORDS, N_TAGS, MAX_POS, WIDTH = 60, 6, 16, 32


class PosTagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.words = nn.Embedding(N_WORDS, WIDTH)
        self.where = nn.Embedding(MAX_POS, WIDTH)
        layer = nn.TransformerEncoderLayer(WIDTH, 4, 64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 2)
        self.tags = nn.Linear(WIDTH, N_TAGS)

    def embed(self, tokens):
        pos_ids = torch.arange(tokens.size(1))
        return self.words(tokens) + self.where(pos_ids)[None, :, :]

    def forward(self, tokens):
        return self.tags(self.encoder(self.embed(tokens)))


tagger = PosTagger()
opt = torch.optim.Adam(tagger.parameters(), lr=1e-3)
for step in range(5):
    tokens = torch.randint(0, N_WORDS, (24, 10))
    gold = torch.randint(0, N_TAGS, (24, 10))
    out = tagger(tokens)
    loss = nn.functional.cross_entropy(out.reshape(-1, N_TAGS), gold.reshape(-1))
    opt.zero_grad()
    loss.backward()
    opt.step()
print("loss", loss.item())
