"""Classify free-text beehive inspection notes into a colony-health status.

A tiny Transformer encoder is trained from scratch on a handful of notes from
an apiary logbook. Shapes used throughout:

    B = batch size, T = padded note length (tokens), D = model width,
    C = number of health classes.
"""
import random
from dataclasses import dataclass

import torch
import torch.nn as nn

torch.manual_seed(0)
random.seed(0)

NOTES = [
    ("brood pattern solid queen seen eggs present calm bees", "healthy"),
    ("spotty brood sunken cappings foul smell near frames", "diseased"),
    ("no eggs no queen seen emergency cells on frame four", "queenless"),
    ("strong colony honey flow capped stores calm on comb", "healthy"),
    ("varroa mites on drones deformed wings brood patchy", "diseased"),
    ("laying workers multiple eggs per cell no queen", "queenless"),
    ("queen marked seen larvae healthy pollen coming in", "healthy"),
    ("chalkbrood mummies at entrance weak cluster", "diseased"),
]
STATUSES = ["healthy", "diseased", "queenless"]


@dataclass
class HiveModelConfig:
    vocab_size: int = 0          # filled once the vocabulary is built
    d_model: int = 48            # token embedding / encoder width (D)
    n_heads: int = 4
    ffn_dim: int = 96            # inner width of the encoder feed-forward block
    n_layers: int = 2
    num_classes: int = len(STATUSES)
    pad_id: int = 0


def build_vocab(texts):
    vocab = {"<pad>": 0, "<unk>": 1}
    for t in texts:
        for w in t.split():
            vocab.setdefault(w, len(vocab))
    return vocab


def encode_batch(texts, vocab):
    """Return (ids, pad_positions): ids is (B, T) long, pad_positions is (B, T) bool."""
    rows = [[vocab.get(w, 1) for w in t.split()] for t in texts]
    width = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)        # (B, T)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)                        # (len_i,)
    pad_positions = ids.eq(0)                                     # (B, T)
    return ids, pad_positions


class HiveNoteClassifier(nn.Module):
    """Embedding -> TransformerEncoder -> masked mean pool -> linear head.

    forward(ids (B, T), pad_positions (B, T)) -> logits (B, C)
    """

    def __init__(self, cfg: HiveModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model, padding_idx=cfg.pad_id)
        layer = nn.TransformerEncoderLayer(
            d_model=cfg.d_model, nhead=cfg.n_heads,
            dim_feedforward=cfg.ffn_dim, batch_first=True,
        )
        self.encoder = nn.TransformerEncoder(layer, num_layers=cfg.n_layers, enable_nested_tensor=False)
        self.head = nn.Sequential(
            nn.Dropout(0.1),
            nn.Linear(cfg.d_model, cfg.num_classes),
        )

    def forward(self, ids, pad_positions):
        x = self.embed(ids)                                               # (B, T, D)
        assert x.shape[:2] == ids.shape, "embedding should keep (B, T)"
        h = self.encoder(x, src_key_padding_mask=pad_positions)           # (B, T, D)
        keep = (~pad_positions).unsqueeze(-1).float()                     # (B, T, 1)
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)           # (B, D)
        assert pooled.shape[0] == ids.shape[0]
        return self.head(pooled)                                          # (B, C)


def batches(pairs, size):
    for start in range(0, len(pairs), size):
        chunk = pairs[start:start + size]
        yield [t for t, _ in chunk], [STATUSES.index(s) for _, s in chunk]


def main():
    vocab = build_vocab(t for t, _ in NOTES)
    cfg = HiveModelConfig(vocab_size=len(vocab))
    print(f"vocab={cfg.vocab_size} d_model={cfg.d_model} classes={cfg.num_classes}")

    model = HiveNoteClassifier(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        random.shuffle(NOTES)
        total = 0.0
        for texts, status_ids in batches(NOTES, size=4):
            ids, pad_positions = encode_batch(texts, vocab)               # (B, T), (B, T)
            target = torch.tensor(status_ids)                             # (B,)
            assert ids.shape == pad_positions.shape
            assert ids.shape[0] == target.shape[0]
            assert int(ids.max()) < cfg.vocab_size

            logits = model(ids, pad_positions)                            # (B, C)
            loss = loss_fn(logits, target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.4f}")

    model.eval()
    with torch.no_grad():
        ids, pad_positions = encode_batch(["queen seen eggs present"], vocab)  # (1, T)
        pred = model(ids, pad_positions).argmax(-1)                            # (1,)
    print("prediction:", STATUSES[pred.item()])


if __name__ == "__main__":
    main()
