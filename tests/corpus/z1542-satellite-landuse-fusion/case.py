import os
import tempfile
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

SURVEY_TERMS = [
    "dense", "canopy", "river", "bank", "irrigated", "fields", "rows", "of", "crops",
    "paved", "roads", "rooftops", "industrial", "sheds", "wetland", "reeds", "bare",
    "soil", "quarry", "pit", "orchard", "trees", "grid", "near", "along", "with",
]
LAND_USE = ["forest", "cropland", "urban", "wetland", "extraction"]

SURVEY_NOTES = [
    ("dense canopy along river bank", 0),
    ("irrigated fields with rows of crops", 1),
    ("paved roads grid with rooftops", 2),
    ("wetland reeds near river", 3),
    ("bare soil quarry pit", 4),
    ("orchard trees in rows", 1),
    ("industrial sheds near paved roads", 2),
    ("dense trees with canopy", 0),
]


@dataclass
class SceneConfig:
    vocab_size: int = 0
    width: int = 32
    bands: int = 4
    tile_px: int = 32
    patch: int = 8
    n_classes: int = len(LAND_USE)
    note_len: int = 12
    band_names: list = field(default_factory=lambda: ["red", "green", "blue", "nir"])


def load_survey_tokenizer(tmp):
    vocab_path = os.path.join(tmp, "survey_vocab.txt")
    with open(vocab_path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + SURVEY_TERMS:
            fh.write(tok + "\n")
    return BertTokenizer(vocab_path)


class SceneTokenizer(nn.Module):
    """Cuts a multispectral tile into non-overlapping patches and embeds them."""

    def __init__(self, cfg):
        super().__init__()
        self.p = cfg.patch
        n_side = cfg.tile_px // cfg.patch
        self.embed = nn.Linear(cfg.bands * cfg.patch * cfg.patch, cfg.width)
        self.pos = nn.Parameter(torch.randn(1, n_side * n_side, cfg.width) * 0.02)

    def forward(self, scene):
        b, c, h, w = scene.shape
        p = self.p
        grid = scene.view(b, c, h // p, p, w // p, p)
        grid = grid.permute(0, 2, 4, 1, 3, 5)
        flat = grid.view(b, (h // p) * (w // p), c * p * p)
        return self.embed(flat) + self.pos


class LandUseFusion(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.notes = BertModel(BertConfig(
            vocab_size=cfg.vocab_size, hidden_size=cfg.width, num_hidden_layers=1,
            num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
        ))
        self.scene = SceneTokenizer(cfg)
        self.modality = nn.Embedding(2, cfg.width)
        layer = nn.TransformerEncoderLayer(cfg.width, 2, dim_feedforward=64, batch_first=True)
        self.mixer = nn.TransformerEncoder(layer, num_layers=1)
        self.out = nn.Linear(cfg.width, cfg.n_classes)

    def forward(self, note_ids, note_mask, scene):
        note_tok = self.notes(input_ids=note_ids, attention_mask=note_mask).last_hidden_state
        scene_tok = self.scene(scene)
        note_tok = note_tok + self.modality.weight[0]
        scene_tok = scene_tok + self.modality.weight[1]
        joint = torch.cat([note_tok, scene_tok], dim=1)
        pad = torch.cat([note_mask == 0,
                         torch.zeros(scene_tok.shape[:2], dtype=torch.bool)], dim=1)
        mixed = self.mixer(joint, src_key_padding_mask=pad)
        return self.out(mixed[:, 0])


def fake_tiles(cfg, n):
    tiles = torch.rand(n, cfg.bands, cfg.tile_px, cfg.tile_px)
    nir = cfg.band_names.index("nir")
    tiles[:, nir] = tiles[:, nir] * 1.5
    return tiles


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tok = load_survey_tokenizer(tmp)
    cfg = SceneConfig(vocab_size=len(tok))
    model = LandUseFusion(cfg)

    notes = tok([n for n, _ in SURVEY_NOTES], padding="max_length", truncation=True,
                max_length=cfg.note_len, return_tensors="pt")
    tiles = fake_tiles(cfg, len(SURVEY_NOTES))
    target = torch.tensor([y for _, y in SURVEY_NOTES])

    optim = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    for epoch in range(3):
        model.train()
        logits = model(notes["input_ids"], notes["attention_mask"], tiles)
        loss = criterion(logits, target)
        optim.zero_grad()
        loss.backward()
        optim.step()
        acc = (logits.argmax(-1) == target).float().mean().item()
        print(f"epoch {epoch} loss {loss.item():.3f} acc {acc:.2f}")


if __name__ == "__main__":
    main()
