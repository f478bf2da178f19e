"""Dish photo <-> recipe title matching with a tiny patch encoder for the
photos and a bag-of-words encoder for titles, trained with a CLIP-style loss."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

rng = np.random.default_rng(11)
torch.manual_seed(11)

PHOTO_SIZE = 32
TILE = 8
EMBED_DIM = 48

# dominant colour of each dish, used to fake a photo
DISHES = {
    "tomato basil soup": (200, 40, 30),
    "green pea risotto": (90, 170, 60),
    "blueberry pancakes": (60, 60, 160),
    "golden chicken curry": (220, 170, 40),
    "chocolate lava cake": (70, 40, 20),
    "beetroot salad": (150, 20, 80),
    "lemon tart": (240, 220, 90),
    "spinach pasta": (40, 120, 40),
}


def fake_photo(rgb):
    """HWC uint8 photo: plate-coloured background with a noisy food blob."""
    img = np.full((PHOTO_SIZE, PHOTO_SIZE, 3), 235, dtype=np.uint8)
    yy, xx = np.mgrid[:PHOTO_SIZE, :PHOTO_SIZE]
    c = PHOTO_SIZE / 2 + rng.normal(0, 2, size=2)
    blob = (yy - c[0]) ** 2 + (xx - c[1]) ** 2 < (PHOTO_SIZE * 0.3) ** 2
    noise = rng.normal(0, 15, size=(PHOTO_SIZE, PHOTO_SIZE, 3))
    img[blob] = np.clip(np.array(rgb) + noise[blob], 0, 255).astype(np.uint8)
    return img


def tiles_from_photos(photos, tile):
    """(B, H, W, C) -> (B, n_tiles, tile*tile*C)"""
    b, h, w, c = photos.shape
    grid = photos.view(b, h // tile, tile, w // tile, tile, c)
    grid = grid.permute(0, 1, 3, 2, 4, 5)
    return grid.reshape(b, (h // tile) * (w // tile), tile * tile * c)


class PhotoEncoder(nn.Module):
    def __init__(self, tile, dim):
        super().__init__()
        self.tile = tile
        self.proj = nn.Linear(tile * tile * 3, dim)
        self.mix = nn.Sequential(nn.GELU(), nn.Linear(dim, dim))

    def forward(self, photos):
        tiles = tiles_from_photos(photos, self.tile)
        return self.mix(self.proj(tiles).mean(dim=1))


class TitleEncoder(nn.Module):
    def __init__(self, n_words, dim):
        super().__init__()
        self.bag = nn.EmbeddingBag(n_words, dim, mode="sum")
        self.proj = nn.Linear(dim, dim)

    def forward(self, word_ids, offsets):
        return self.proj(self.bag(word_ids, offsets))


def encode_titles(titles, vocab):
    ids, offsets = [], []
    for t in titles:
        offsets.append(len(ids))
        ids.extend(vocab[w] for w in t.split())
    return torch.tensor(ids), torch.tensor(offsets)


def contrastive_loss(photo_emb, title_emb, temperature=0.1):
    photo_emb = F.normalize(photo_emb, dim=-1)
    title_emb = F.normalize(title_emb, dim=-1)
    sims = photo_emb @ title_emb.T / temperature
    targets = torch.arange(sims.size(0))
    return 0.5 * (F.cross_entropy(sims, targets) + F.cross_entropy(sims.T, targets))


def main():
    titles = list(DISHES)
    vocab = {}
    for t in titles:
        for w in t.split():
            vocab.setdefault(w, len(vocab))

    # three shots of every dish
    photo_list, title_list = [], []
    for _ in range(3):
        for t in titles:
            photo_list.append(fake_photo(DISHES[t]))
            title_list.append(t)
    photos = torch.from_numpy(np.stack(photo_list)).float() / 255.0
    print("photos:", tuple(photos.shape))

    photo_enc = PhotoEncoder(TILE, EMBED_DIM)
    title_enc = TitleEncoder(len(vocab), EMBED_DIM)
    params = list(photo_enc.parameters()) + list(title_enc.parameters())
    opt = torch.optim.Adam(params, lr=3e-3)

    for step in range(60):
        pick = torch.randperm(len(title_list))[:8]
        batch_titles = [title_list[i] for i in pick.tolist()]
        word_ids, offsets = encode_titles(batch_titles, vocab)
        loss = contrastive_loss(photo_enc(photos[pick]), title_enc(word_ids, offsets))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 20 == 0:
            print(f"step {step:2d}  loss {loss.item():.4f}")

    with torch.no_grad():
        word_ids, offsets = encode_titles(titles, vocab)
        t_emb = F.normalize(title_enc(word_ids, offsets), dim=-1)
        p_emb = F.normalize(photo_enc(photos[: len(titles)]), dim=-1)
        top1 = (p_emb @ t_emb.T).argmax(dim=1)
    acc = (top1 == torch.arange(len(titles))).float().mean().item()
    print(f"photo->title top-1 accuracy: {acc:.2%}")


if __name__ == "__main__":
    main()
