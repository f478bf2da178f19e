"""Routes ferry dispatch radio transcripts to the right desk (weather hold,
vehicle deck, medical, schedule change) with a small transformer encoder."""
import functools
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from torch.utils.data import DataLoader


@dataclass
class ModelCfg:
    d_model: int = 32
    n_heads: int = 4
    n_layers: int = 2
    max_len: int = 64


@dataclass
class DataCfg:
    label_names: tuple = ("weather_hold", "vehicle_deck", "medical", "schedule")
    max_len: int = 64
    pad_id: int = 0


@dataclass
class TrainCfg:
    batch_size: int = 3
    lr: float = 1e-3
    epochs: int = 4
    seed: int = 5


@dataclass
class Cfg:
    model: ModelCfg = field(default_factory=ModelCfg)
    data: DataCfg = field(default_factory=DataCfg)
    train: TrainCfg = field(default_factory=TrainCfg)


def load_cfg(overrides: dict) -> Cfg:
    cfg = Cfg()
    for path, val in overrides.items():
        *parents, leaf = path.split(".")
        node = cfg
        for p in parents:
            node = getattr(node, p)
        setattr(node, leaf, type(getattr(node, leaf))(val))
    return cfg


TRANSCRIPTS = [
    ("swell over three metres at the breakwater holding departure", "weather_hold"),
    ("truck with loose chains on lane four need deck crew", "vehicle_deck"),
    ("passenger collapsed near the forward lounge request first aider", "medical"),
    ("eleven forty sailing moved to twelve fifteen notify terminal", "schedule"),
    ("gale warning issued for the sound all sailings suspended", "weather_hold"),
    ("camper van leaking fuel on the lower car deck", "vehicle_deck"),
    ("child with allergic reaction cabin two ambulance at berth", "medical"),
    ("late running due to tide extra sailing added this evening", "schedule"),
]


class WordVocab:
    def __init__(self, sentences):
        self.itos = ["<pad>", "<unk>"] + sorted({w for s in sentences for w in s.split()})
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, text):
        return [self.stoi.get(w, 1) for w in text.lower().split()]


def make_pad_mask(lengths, width):
    # True where the position is padding
    steps = torch.arange(width).unsqueeze(0)
    return steps >= torch.tensor(lengths).unsqueeze(1)


def collate(rows, cfg: Cfg):
    seqs = [ids[: cfg.data.max_len] for ids, _ in rows]
    lengths = [len(s) for s in seqs]
    ids = torch.full((len(seqs), cfg.data.max_len), cfg.data.pad_id, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
    pad_mask = make_pad_mask(lengths, cfg.model.max_len)
    target = torch.tensor([lab for _, lab in rows])
    return {"tokens": ids, "pad_mask": pad_mask, "target": target}


class DispatchRouter(nn.Module):
    def __init__(self, vocab_size, n_classes, mcfg: ModelCfg):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, mcfg.d_model, padding_idx=0)
        self.pos = nn.Embedding(mcfg.max_len, mcfg.d_model)
        layer = nn.TransformerEncoderLayer(mcfg.d_model, mcfg.n_heads, dim_feedforward=64,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, mcfg.n_layers, enable_nested_tensor=False)
        self.out = nn.Linear(mcfg.d_model, n_classes)

    def forward(self, tokens, pad_mask):
        positions = torch.arange(tokens.size(1), device=tokens.device)
        h = self.tok(tokens) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.out(pooled)


def main():
    cfg = load_cfg({"data.max_len": 48, "train.epochs": 3})
    random.seed(cfg.train.seed)
    torch.manual_seed(cfg.train.seed)

    vocab = WordVocab([t for t, _ in TRANSCRIPTS])
    desk_ids = {name: i for i, name in enumerate(cfg.data.label_names)}
    dataset = [(vocab.encode(t), desk_ids[d]) for t, d in TRANSCRIPTS]
    loader = DataLoader(dataset, batch_size=cfg.train.batch_size, shuffle=True,
                        collate_fn=functools.partial(collate, cfg=cfg))

    model = DispatchRouter(len(vocab.itos), len(cfg.data.label_names), cfg.model)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.train.lr)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(cfg.train.epochs):
        total, seen = 0.0, 0
        for batch in loader:
            logits = model(batch["tokens"], batch["pad_mask"])
            loss = loss_fn(logits, batch["target"])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(batch["target"])
            seen += len(batch["target"])
        print(f"[epoch {epoch + 1}/{cfg.train.epochs}] mean loss {total / seen:.4f}")

    print("router ready:", sum(p.numel() for p in model.parameters()), "params")


if __name__ == "__main__":
    main()
