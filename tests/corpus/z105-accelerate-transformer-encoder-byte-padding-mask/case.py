"""Small transformer encoder for spam detection on SMS messages, trained with Accelerate."""
import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader

SMS = [
    ("win a free prize now call", 1), ("are we still on for lunch", 0),
    ("urgent your account is locked click here", 1), ("see you at the station at six", 0),
    ("claim your free gift card today", 1), ("can you pick up some milk", 0),
    ("congratulations you won cash", 1), ("running late be there soon", 0),
]
PAD, UNK = 0, 1
vocab = {"<pad>": PAD, "<unk>": UNK}
for text, _ in SMS:
    for w in text.split():
        vocab.setdefault(w, len(vocab))


def make_batch(examples):
    token_lists = [[vocab.get(w, UNK) for w in text.split()] for text, _ in examples]
    width = max(len(t) for t in token_lists)
    ids = torch.tensor([t + [PAD] * (width - len(t)) for t in token_lists])
    padding_mask = (ids == PAD).byte()  # 1 where padded
    return ids, padding_mask, torch.tensor([y for _, y in examples])


class SpamEncoder(nn.Module):
    def __init__(self, vocab_size, d_model=32, n_heads=4, n_layers=2):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, d_model, padding_idx=PAD)
        self.pos = nn.Embedding(64, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.out = nn.Linear(d_model, 2)

    def forward(self, ids, padding_mask):
        positions = torch.arange(ids.size(1), device=ids.device)
        h = self.emb(ids) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=padding_mask)
        keep = (~padding_mask.bool()).unsqueeze(-1).float()
        return self.out((h * keep).sum(1) / keep.sum(1))


def train():
    torch.manual_seed(0)
    accelerator = Accelerator(cpu=True)
    model = SpamEncoder(len(vocab))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    loader = DataLoader(SMS, batch_size=4, shuffle=True, collate_fn=make_batch)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(2):
        for ids, padding_mask, y in loader:
            loss = loss_fn(model(ids, padding_mask), y)
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
        accelerator.print(f"epoch {epoch} loss {loss.item():.4f}")


if __name__ == "__main__":
    train()
