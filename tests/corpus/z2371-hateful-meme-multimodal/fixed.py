import os
import random
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class MemeConfig:
    n_memes: int = 96
    img_size: int = 48
    max_len: int = 24
    embed_dim: int = 32
    batch_size: int = 16
    epochs: int = 2
    lr: float = 5e-4
    align_weight: float = 0.3
    temperature: float = 0.07
    seed: int = 11


TEMPLATES = [
    ("when you finally {verb} the {noun}", 0),
    ("me explaining {noun} to my cat", 0),
    ("nobody: absolutely nobody: {noun} people", 1),
    ("{noun} people should go back where they came from", 1),
    ("that moment you {verb} your {noun}", 0),
    ("imagine being a {noun} lol", 1),
]
NOUNS = ["pizza", "monday", "homework", "neighbours", "immigrants", "gamers", "boss", "coffee"]
VERBS = ["finish", "lose", "find", "forget", "fix"]


def write_vocab(path):
    words = set()
    for t, _ in TEMPLATES:
        words.update(w for w in t.replace(":", " :").split() if not w.startswith("{"))
    words.update(NOUNS + VERBS)
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")


class SyntheticMemes(Dataset):
    def __init__(self, cfg):
        rng = random.Random(cfg.seed)
        g = torch.Generator().manual_seed(cfg.seed)
        self.items = []
        for _ in range(cfg.n_memes):
            tpl, hateful = rng.choice(TEMPLATES)
            caption = tpl.format(noun=rng.choice(NOUNS), verb=rng.choice(VERBS))
            img = torch.rand(3, cfg.img_size, cfg.img_size, generator=g)
            if hateful:
                img[0] = img[0] * 0.5 + 0.5
            self.items.append((img, caption, hateful))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class MemeCollator:
    def __init__(self, tokenizer, max_len):
        self.tok = tokenizer
        self.max_len = max_len

    def __call__(self, batch):
        imgs, captions, labels = zip(*batch)
        enc = self.tok(list(captions), padding="max_length", truncation=True,
                       max_length=self.max_len, return_tensors="pt")
        return torch.stack(imgs), enc, torch.tensor(labels, dtype=torch.float)


class ImageEncoder(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, dim),
        )

    def forward(self, x):
        return self.net(x)


class HatefulMemeModel(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.embed_dim, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64,
                              max_position_embeddings=64)
        self.text_encoder = BertModel(bert_cfg)
        self.image_encoder = ImageEncoder(cfg.embed_dim)
        self.classifier = nn.Sequential(nn.Linear(2 * cfg.embed_dim, cfg.embed_dim), nn.GELU(),
                                        nn.Linear(cfg.embed_dim, 1))

    def forward(self, imgs, enc):
        txt = self.text_encoder(**enc).pooler_output
        img = self.image_encoder(imgs)
        logits = self.classifier(torch.cat([txt, img], dim=-1)).squeeze(-1)
        return logits, txt, img


def clip_loss(txt, img, temperature):
    txt = F.normalize(txt, dim=-1)
    img = F.normalize(img, dim=-1)
    sim = txt @ img.t() / temperature
    target = torch.arange(sim.size(0))
    return 0.5 * (F.cross_entropy(sim, target) + F.cross_entropy(sim.t(), target))


class MemeTrainer:
    def __init__(self, model, cfg):
        self.model = model
        self.cfg = cfg
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
        self.history = {"hateful_bce": [], "align": []}

    def train_step(self, imgs, enc, labels):
        self.model.train()
        self.opt.zero_grad()
        logits, txt, img = self.model(imgs, enc)
        losses = {
            "hateful_bce": F.binary_cross_entropy_with_logits(logits, labels),
            "align": self.cfg.align_weight * clip_loss(txt, img, self.cfg.temperature),
        }
        sum(losses.values()).backward()
        for name, loss in losses.items():
            self.history[name].append(loss.item())
        self.opt.step()

    def fit(self, loader):
        for epoch in range(self.cfg.epochs):
            for imgs, enc, labels in loader:
                self.train_step(imgs, enc, labels)
            n = len(loader)
            print(f"epoch {epoch}: bce={sum(self.history['hateful_bce'][-n:]) / n:.4f} "
                  f"align={sum(self.history['align'][-n:]) / n:.4f}")


def main():
    cfg = MemeConfig()
    torch.manual_seed(cfg.seed)
    vocab_path = os.path.join(HERE, "meme_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    ds = SyntheticMemes(cfg)
    loader = DataLoader(ds, batch_size=cfg.batch_size, shuffle=True,
                        collate_fn=MemeCollator(tokenizer, cfg.max_len))
    model = HatefulMemeModel(cfg, tokenizer.vocab_size)
    MemeTrainer(model, cfg).fit(loader)


if __name__ == "__main__":
    main()
