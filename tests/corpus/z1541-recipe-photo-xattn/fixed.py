import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

RECIPE_WORDS = [
    "simmer", "garlic", "onion", "tomato", "basil", "soy", "ginger", "rice", "noodles",
    "cumin", "chili", "lime", "coriander", "butter", "cream", "pasta", "bake", "fry",
    "stir", "boil", "minutes", "until", "golden", "add", "the", "and", "with", "sauce",
]
CUISINES = ["italian", "chinese", "mexican", "indian"]

RECIPES = [
    ("boil the pasta and add tomato basil sauce", (32, 40), 0),
    ("stir fry noodles with soy ginger and garlic", (24, 32), 1),
    ("fry onion with cumin chili and lime", (40, 40), 2),
    ("simmer rice with coriander cumin and cream", (32, 24), 3),
    ("bake pasta with butter and cream until golden", (40, 32), 0),
    ("add soy sauce and ginger to the rice", (24, 24), 1),
]


@dataclass
class FusionConfig:
    vocab_size: int = 0
    d_model: int = 32
    patch: int = 8
    max_photo_patches: int = 32
    n_heads: int = 2
    n_cuisines: int = len(CUISINES)
    recipe_max_len: int = 14


def write_vocab(folder):
    path = os.path.join(folder, "recipe_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + RECIPE_WORDS))
    return path


def patchify(photo, patch):
    c, h, w = photo.shape
    tiles = photo.unfold(1, patch, patch).unfold(2, patch, patch)
    return tiles.permute(1, 2, 0, 3, 4).reshape(-1, c * patch * patch)


def collate_photos(photos, cfg):
    tiles = [patchify(p, cfg.patch) for p in photos]
    longest = max(t.shape[0] for t in tiles)
    padded = torch.zeros(len(tiles), longest, tiles[0].shape[1])
    patch_pad_mask = torch.ones(len(tiles), longest, dtype=torch.bool)
    for i, t in enumerate(tiles):
        padded[i, : t.shape[0]] = t
        patch_pad_mask[i, : t.shape[0]] = False
    return padded, patch_pad_mask


class PhotoEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embed = nn.Linear(3 * cfg.patch * cfg.patch, cfg.d_model)
        self.summary = nn.Parameter(torch.zeros(1, 1, cfg.d_model))
        self.pos = nn.Parameter(torch.randn(1, cfg.max_photo_patches + 1, cfg.d_model) * 0.02)

    def forward(self, tiles):
        x = self.embed(tiles)
        x = torch.cat([self.summary.expand(x.shape[0], -1, -1), x], dim=1)
        return x + self.pos[:, : x.shape[1]]


class RecipeCuisineModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.recipe_encoder = BertModel(BertConfig(
            vocab_size=cfg.vocab_size, hidden_size=cfg.d_model, num_hidden_layers=1,
            num_attention_heads=cfg.n_heads, intermediate_size=64, max_position_embeddings=32,
        ))
        self.photo_encoder = PhotoEncoder(cfg)
        self.cross = nn.MultiheadAttention(cfg.d_model, cfg.n_heads, batch_first=True)
        self.norm = nn.LayerNorm(cfg.d_model)
        self.classifier = nn.Linear(2 * cfg.d_model, cfg.n_cuisines)

    def forward(self, recipe_ids, recipe_mask, tiles, patch_pad_mask):
        words = self.recipe_encoder(input_ids=recipe_ids, attention_mask=recipe_mask).last_hidden_state
        photo = self.photo_encoder(tiles)
        summary_keep = patch_pad_mask.new_zeros(patch_pad_mask.shape[0], 1)
        photo_pad_mask = torch.cat([summary_keep, patch_pad_mask], dim=1)
        attended, _ = self.cross(words, photo, photo, key_padding_mask=photo_pad_mask)
        words = self.norm(words + attended)
        keep = recipe_mask.unsqueeze(-1).float()
        pooled_words = (words * keep).sum(1) / keep.sum(1)
        return self.classifier(torch.cat([pooled_words, photo[:, 0]], dim=-1))


def main():
    with tempfile.TemporaryDirectory() as folder:
        tokenizer = BertTokenizer(write_vocab(folder))
    cfg = FusionConfig(vocab_size=tokenizer.vocab_size)
    model = RecipeCuisineModel(cfg)

    texts = [r[0] for r in RECIPES]
    photos = [torch.rand(3, h, w) for _, (h, w), _ in RECIPES]
    cuisine = torch.tensor([r[2] for r in RECIPES])
    enc = tokenizer(texts, padding=True, truncation=True, max_length=cfg.recipe_max_len,
                    return_tensors="pt")
    tiles, patch_pad_mask = collate_photos(photos, cfg)

    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for step in range(4):
        logits = model(enc["input_ids"], enc["attention_mask"], tiles, patch_pad_mask)
        loss = nn.functional.cross_entropy(logits, cuisine)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step}: loss={loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        guess = model(enc["input_ids"], enc["attention_mask"], tiles, patch_pad_mask).argmax(-1)
    print([CUISINES[g] for g in guess.tolist()])


if __name__ == "__main__":
    main()
