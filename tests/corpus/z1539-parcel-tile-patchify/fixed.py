import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

LAND_USE = ["cropland", "forest", "residential", "water", "industrial"]

PARCELS = [
    ("irrigated wheat parcel near canal center pivot", 0),
    ("mixed deciduous woodland on north slope", 1),
    ("single family homes with gardens and cul de sac", 2),
    ("reservoir shoreline and open water", 3),
    ("warehouse roofs loading docks and parking", 4),
    ("fallow field with drainage ditch near canal", 0),
    ("pine plantation with logging road", 1),
    ("apartment blocks and parking near main road", 2),
]


@dataclass
class ParcelConfig:
    vocab_size: int
    bands: int = 4          # R, G, B, NIR
    tile_size: int = 32
    patch: int = 8
    hidden: int = 32
    heads: int = 2
    n_classes: int = len(LAND_USE)

    @property
    def n_patches(self):
        return (self.tile_size // self.patch) ** 2


def patchify(tiles, patch):
    b, c, h, w = tiles.shape
    grid = tiles.unfold(2, patch, patch).unfold(3, patch, patch)   # b, c, gh, gw, p, p
    grid = grid.permute(0, 2, 3, 1, 4, 5)                         # b, gh, gw, c, p, p
    return grid.reshape(b, (h // patch) * (w // patch), c * patch * patch)


class TileEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.patch_proj = nn.Linear(cfg.bands * cfg.patch * cfg.patch, cfg.hidden)
        self.pos = nn.Parameter(torch.zeros(1, cfg.n_patches, cfg.hidden))
        layer = nn.TransformerEncoderLayer(cfg.hidden, cfg.heads, dim_feedforward=64, batch_first=True)
        self.blocks = nn.TransformerEncoder(layer, num_layers=1)

    def forward(self, tiles):
        patches = patchify(tiles, self.cfg.patch)
        return self.blocks(self.patch_proj(patches) + self.pos)


class ParcelClassifier(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.text = BertModel(BertConfig(vocab_size=cfg.vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                                         num_attention_heads=cfg.heads, intermediate_size=64,
                                         max_position_embeddings=32))
        self.tiles = TileEncoder(cfg)
        self.text_to_tile = nn.MultiheadAttention(cfg.hidden, cfg.heads, batch_first=True)
        self.head = nn.Linear(2 * cfg.hidden, cfg.n_classes)

    def forward(self, desc_ids, desc_mask, tiles):
        words = self.text(input_ids=desc_ids, attention_mask=desc_mask).last_hidden_state
        tile_tokens = self.tiles(tiles)
        query = words[:, :1]
        looked, _ = self.text_to_tile(query, tile_tokens, tile_tokens)
        return self.head(torch.cat([words[:, 0], looked.squeeze(1)], dim=-1))


def synth_tiles(labels, cfg):
    base = torch.rand(len(labels), cfg.bands, cfg.tile_size, cfg.tile_size) * 0.2
    for i, y in enumerate(labels.tolist()):
        base[i, 3] += 0.6 if y in (0, 1) else 0.0      # vegetation bright in NIR
        base[i, 2] += 0.5 if y == 3 else 0.0           # water bright in blue
        base[i, :3] += 0.4 if y in (2, 4) else 0.0     # built-up bright in visible
    return base


def main():
    tmp = tempfile.mkdtemp()
    words = sorted({w for d, _ in PARCELS for w in d.split()})
    vocab_file = os.path.join(tmp, "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    tok = BertTokenizer(vocab_file)

    cfg = ParcelConfig(vocab_size=len(tok))
    descriptions = [d for d, _ in PARCELS]
    land_use = torch.tensor([y for _, y in PARCELS])
    tiles = synth_tiles(land_use, cfg)
    enc = tok(descriptions, padding=True, truncation=True, max_length=32, return_tensors="pt")

    model = ParcelClassifier(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(5):
        perm = torch.randperm(len(PARCELS))
        for idx in perm.split(4):
            logits = model(enc["input_ids"][idx], enc["attention_mask"][idx], tiles[idx])
            loss = nn.functional.cross_entropy(logits, land_use[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(enc["input_ids"], enc["attention_mask"], tiles).argmax(-1)
    print("predicted:", [LAND_USE[p] for p in pred.tolist()])


if __name__ == "__main__":
    main()
