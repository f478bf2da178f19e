import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

LYRIC_WORDS = [
    "love", "night", "baby", "dance", "fire", "heart", "road", "alone", "city", "lights",
    "rain", "money", "gold", "down", "tonight", "forever", "lonely", "whiskey", "truck", "home",
    "street", "bass", "drop", "yeah", "oh", "we", "you", "i", "the", "my",
]
GENRES = ["pop", "country", "hiphop", "rock", "electronic"]


@dataclass
class TrackConfig:
    n_mels: int = 40
    n_frames: int = 96
    frames_per_patch: int = 8
    audio_dim: int = 32
    lyric_dim: int = 32
    lyric_max_len: int = 48
    n_genres: int = len(GENRES)


class SpectrogramPatcher(nn.Module):
    """Cuts a (batch, mels, frames) spectrogram into non-overlapping time patches and embeds them."""

    def __init__(self, cfg):
        super().__init__()
        self.frames_per_patch = cfg.frames_per_patch
        self.embed = nn.Linear(cfg.frames_per_patch * cfg.n_mels, cfg.audio_dim)
        n_patches = cfg.n_frames // cfg.frames_per_patch
        self.pos = nn.Parameter(torch.randn(1, n_patches, cfg.audio_dim) * 0.02)
        layer = nn.TransformerEncoderLayer(cfg.audio_dim, 2, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)

    def forward(self, mel):
        bsz, n_mels, n_frames = mel.shape
        frames_first = mel.transpose(1, 2)
        n_patches = n_frames // self.frames_per_patch
        patches = frames_first.view(bsz, n_patches, self.frames_per_patch * n_mels)
        tokens = self.embed(patches) + self.pos
        return self.encoder(tokens).mean(dim=1)


class LyricEncoder(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        self.bert = BertModel(BertConfig(
            vocab_size=vocab_size, hidden_size=cfg.lyric_dim, num_hidden_layers=1,
            num_attention_heads=2, intermediate_size=64, max_position_embeddings=cfg.lyric_max_len,
        ))

    def forward(self, lyric_ids, lyric_mask):
        hidden = self.bert(input_ids=lyric_ids, attention_mask=lyric_mask).last_hidden_state
        weights = lyric_mask.unsqueeze(-1).float()
        return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)


class GenreTagger(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        self.audio = SpectrogramPatcher(cfg)
        self.lyrics = LyricEncoder(cfg, vocab_size)
        self.gate = nn.Linear(cfg.audio_dim + cfg.lyric_dim, cfg.audio_dim + cfg.lyric_dim)
        self.head = nn.Linear(cfg.audio_dim + cfg.lyric_dim, cfg.n_genres)

    def forward(self, mel, lyric_ids, lyric_mask):
        joint = torch.cat([self.audio(mel), self.lyrics(lyric_ids, lyric_mask)], dim=-1)
        return self.head(joint * torch.sigmoid(self.gate(joint)))


def make_catalog(rng, n, cfg):
    catalog = []
    for i in range(n):
        genre = rng.randrange(len(GENRES))
        verse = " ".join(rng.choice(LYRIC_WORDS) for _ in range(rng.randint(10, 30)))
        mel = torch.randn(cfg.n_mels, cfg.n_frames) + 0.3 * genre
        catalog.append({"isrc": f"US-XYZ-24-{i:05d}", "lyrics": verse, "mel": mel, "genre": genre})
    return catalog


def main():
    torch.manual_seed(1)
    rng = random.Random(5)
    cfg = TrackConfig()
    with tempfile.TemporaryDirectory() as scratch:
        vocab_file = os.path.join(scratch, "vocab.txt")
        with open(vocab_file, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + LYRIC_WORDS) + "\n")
        tokenizer = BertTokenizer(vocab_file)

        catalog = make_catalog(rng, 30, cfg)
        model = GenreTagger(cfg, tokenizer.vocab_size)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()

        for epoch in range(2):
            rng.shuffle(catalog)
            for b in range(0, len(catalog), 10):
                tracks = catalog[b:b + 10]
                enc = tokenizer([t["lyrics"] for t in tracks], padding=True, truncation=True,
                                max_length=cfg.lyric_max_len, return_tensors="pt")
                mel = torch.stack([t["mel"] for t in tracks])
                genre = torch.tensor([t["genre"] for t in tracks])
                logits = model(mel, enc["input_ids"], enc["attention_mask"])
                loss = loss_fn(logits, genre)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            print(f"epoch {epoch} last-batch loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
