"""Intent classifier on a small nn.TransformerEncoder, trained with a hand-rolled Trainer class."""
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

torch.manual_seed(0)

UTTERANCES = [
    ("set an alarm for seven", "alarm"),
    ("wake me up at six tomorrow", "alarm"),
    ("what is the weather like in paris today", "weather"),
    ("will it rain", "weather"),
    ("play some jazz", "music"),
    ("turn the volume up a little", "music"),
]
INTENTS = sorted({intent for _, intent in UTTERANCES})
WORDS = sorted({w for text, _ in UTTERANCES for w in text.split()})
STOI = {w: i + 1 for i, w in enumerate(WORDS)}  # 0 is padding


@dataclass
class TrainConfig:
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    max_len: int = 10
    batch_size: int = 3
    lr: float = 1e-3
    epochs: int = 2


class IntentEncoder(nn.Module):
    def __init__(self, cfg: TrainConfig):
        super().__init__()
        self.embed = nn.Embedding(len(STOI) + 1, cfg.d_model, padding_idx=0)
        layer = nn.TransformerEncoderLayer(cfg.d_model, cfg.n_heads, 2 * cfg.d_model, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, cfg.n_layers)
        self.classify = nn.Linear(cfg.d_model, len(INTENTS))

    def forward(self, tokens, padding_mask):
        h = self.encoder(self.embed(tokens), src_key_padding_mask=padding_mask)
        keep = (~padding_mask).unsqueeze(-1).float()
        return self.classify((h * keep).sum(1) / keep.sum(1))


class Trainer:
    def __init__(self, model, cfg: TrainConfig):
        self.model, self.cfg = model, cfg
        self.opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
        self.loss_fn = nn.CrossEntropyLoss()

    def collate(self, rows):
        ids = [torch.tensor([STOI[w] for w in text.split()]) for text, _ in rows]
        tokens = pad_sequence(ids, batch_first=True)
        lengths = torch.tensor([len(x) for x in ids])
        padding_mask = torch.arange(tokens.size(1))[None, :] >= lengths[:, None]
        labels = torch.tensor([INTENTS.index(intent) for _, intent in rows])
        return tokens, padding_mask, labels

    def fit(self, rows):
        loader = DataLoader(rows, batch_size=self.cfg.batch_size, shuffle=False, collate_fn=self.collate)
        for epoch in range(self.cfg.epochs):
            for tokens, padding_mask, labels in loader:
                loss = self.loss_fn(self.model(tokens, padding_mask), labels)
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
            print(f"epoch {epoch} loss {loss.item():.3f}")


cfg = TrainConfig()
Trainer(IntentEncoder(cfg), cfg).fit(UTTERANCES)
