import os
import random
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
TAGS = ["INT", "EXT", "DAY", "NIGHT", "DIALOGUE", "ACTION", "FLASHBACK"]


@dataclass
class TaggerConfig:
    max_len: int = 64
    emb_dim: int = 48
    conv_channels: int = 64
    n_tags: int = len(TAGS)
    batch_size: int = 8
    lr: float = 1e-3
    epochs: int = 3
    n_scenes: int = 96
    seed: int = 11
    threshold: float = 0.5
    vocab_path: str = field(default_factory=lambda: os.path.join(HERE, "screenplay_vocab.txt"))


LOCATIONS = ["diner", "apartment", "warehouse", "street", "rooftop", "car", "office", "beach", "forest", "station"]
CHARACTERS = ["maya", "leo", "detective", "ruth", "the stranger", "sam"]
ACTION_BITS = ["runs", "slams the door", "draws a gun", "crashes through the window", "jumps", "fires", "chases"]
DIALOGUE_BITS = ["we need to talk", "i told you already", "where were you last night", "it is not what you think",
                 "you should leave", "i am sorry"]


def write_vocab(path):
    words = set()
    for chunk in LOCATIONS + CHARACTERS + ACTION_BITS + DIALOGUE_BITS:
        words.update(chunk.split())
    words.update(["int", "ext", "day", "night", "continuous", "later", "flashback", "years", "earlier",
                  "-", ".", ",", ":", "(", ")", "v", "o", "beat", "quietly", "looks", "at", "slowly"])
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")


def fake_scene(rng):
    tags = np.zeros(len(TAGS), dtype=np.float32)
    inside = rng.random() < 0.5
    night = rng.random() < 0.4
    tags[0 if inside else 1] = 1
    tags[3 if night else 2] = 1
    slug = f"{'INT' if inside else 'EXT'}. {rng.choice(LOCATIONS).upper()} - {'NIGHT' if night else 'DAY'}"
    lines = [slug]
    if rng.random() < 0.25:
        lines[0] = "FLASHBACK - " + slug
        lines.append("years earlier .")
        tags[6] = 1
    if rng.random() < 0.6:
        for _ in range(rng.integers(1, 4)):
            lines.append(f"{rng.choice(CHARACTERS).upper()} : {rng.choice(DIALOGUE_BITS)}")
        tags[4] = 1
    if rng.random() < 0.5:
        for _ in range(rng.integers(1, 3)):
            lines.append(f"{rng.choice(CHARACTERS)} {rng.choice(ACTION_BITS)} .")
        tags[5] = 1
    return "\n".join(lines), tags


class MaskedAttentionPool(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.score = nn.Linear(dim, 1)

    def forward(self, x, pad_mask):
        scores = self.score(x).squeeze(-1)
        scores = scores.masked_fill(pad_mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        return torch.einsum("bt,btd->bd", weights, x)


class SceneTagger(nn.Module):
    def __init__(self, vocab_size, cfg: TaggerConfig, pad_id):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, cfg.emb_dim, padding_idx=pad_id)
        self.conv = nn.Conv1d(cfg.emb_dim, cfg.conv_channels, kernel_size=3, padding=1)
        self.pool = MaskedAttentionPool(cfg.conv_channels)
        self.out = nn.Linear(cfg.conv_channels, cfg.n_tags)

    def forward(self, input_ids, attention_mask):
        h = self.emb(input_ids).transpose(1, 2)
        h = F.gelu(self.conv(h)).transpose(1, 2)
        pad_mask = attention_mask == 0
        return self.out(self.pool(h, pad_mask))


def batches(texts, labels, tokenizer, cfg, shuffle=True):
    order = list(range(len(texts)))
    if shuffle:
        random.shuffle(order)
    for i in range(0, len(order), cfg.batch_size):
        idx = order[i:i + cfg.batch_size]
        enc = tokenizer([texts[j] for j in idx], padding=True, truncation=True,
                        max_length=cfg.max_len, return_tensors="pt")
        yield enc, torch.from_numpy(np.stack([labels[j] for j in idx]))


def main():
    cfg = TaggerConfig()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)

    write_vocab(cfg.vocab_path)
    tokenizer = BertTokenizer(cfg.vocab_path)
    scenes = [fake_scene(rng) for _ in range(cfg.n_scenes)]
    texts = [s for s, _ in scenes]
    labels = [t for _, t in scenes]
    split = int(0.8 * len(texts))

    model = SceneTagger(tokenizer.vocab_size, cfg, tokenizer.pad_token_id)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    criterion = nn.BCEWithLogitsLoss()

    for epoch in range(cfg.epochs):
        model.train()
        total = 0.0
        for enc, y in batches(texts[:split], labels[:split], tokenizer, cfg):
            logits = model(enc["input_ids"], enc["attention_mask"])
            loss = criterion(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        model.eval()
        hits, count = 0, 0
        with torch.no_grad():
            for enc, y in batches(texts[split:], labels[split:], tokenizer, cfg, shuffle=False):
                pred = (torch.sigmoid(model(enc["input_ids"], enc["attention_mask"])) > cfg.threshold).float()
                hits += (pred == y).sum().item()
                count += y.numel()
        print(f"epoch {epoch}  train loss {total:.3f}  val tag acc {hits / count:.3f}")


if __name__ == "__main__":
    main()
