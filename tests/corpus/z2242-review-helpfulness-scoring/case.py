import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning as L
from torch.utils.data import Dataset, DataLoader

CFG = {
    "seed": 21,
    "vocab_size": 500,
    "text_dim": 32,
    "meta_cols": ["star_rating", "n_images", "verified_purchase", "log_len"],
    "hidden": 64,
    "dropout": 0.1,
    "max_tokens": 60,
    "batch_size": 32,
    "lr": 2e-3,
    "max_epochs": 2,
}


def make_reviews(n, rng):
    """Synthetic reviews: helpful ones are longer, verified, have photos and mid ratings."""
    reviews = []
    for _ in range(n):
        n_tok = int(rng.integers(5, CFG["max_tokens"]))
        tokens = rng.integers(1, CFG["vocab_size"], size=n_tok).tolist()
        stars = int(rng.integers(1, 6))
        n_images = int(rng.poisson(0.6))
        verified = int(rng.random() < 0.75)
        score = 0.03 * n_tok + 0.8 * n_images + 0.7 * verified - 0.4 * abs(stars - 3) + rng.normal(0, 0.5)
        reviews.append({
            "tokens": tokens,
            "star_rating": stars,
            "n_images": n_images,
            "verified_purchase": verified,
            "helpful": int(score > 1.5),
        })
    return reviews


def build_meta_features(review):
    stars_onehot = [1.0 if review["star_rating"] == s else 0.0 for s in range(1, 6)]
    return stars_onehot + [
        float(min(review["n_images"], 5)),
        float(review["verified_purchase"]),
        math.log1p(len(review["tokens"])),
    ]


class ReviewDataset(Dataset):
    def __init__(self, reviews):
        self.reviews = reviews
        self.meta = torch.tensor([build_meta_features(r) for r in reviews], dtype=torch.float32)

    def __len__(self):
        return len(self.reviews)

    def __getitem__(self, i):
        r = self.reviews[i]
        return torch.tensor(r["tokens"]), self.meta[i], torch.tensor(float(r["helpful"]))


def collate_reviews(batch):
    toks, meta, y = zip(*batch)
    offsets = torch.tensor([0] + [len(t) for t in toks[:-1]]).cumsum(0)
    return torch.cat(toks), offsets, torch.stack(meta), torch.stack(y)


class HelpfulnessModel(L.LightningModule):
    def __init__(self, cfg):
        super().__init__()
        self.save_hyperparameters(cfg)
        self.text_enc = nn.EmbeddingBag(cfg["vocab_size"], cfg["text_dim"], mode="mean")
        n_in = cfg["text_dim"] + len(cfg["meta_cols"])
        self.head = nn.Sequential(
            nn.Linear(n_in, cfg["hidden"]),
            nn.ReLU(),
            nn.Dropout(cfg["dropout"]),
            nn.Linear(cfg["hidden"], 1),
        )

    def forward(self, tokens, offsets, meta):
        text_vec = self.text_enc(tokens, offsets)
        return self.head(torch.cat([text_vec, meta], dim=-1)).squeeze(-1)

    def _step(self, batch, stage):
        tokens, offsets, meta, y = batch
        logits = self(tokens, offsets, meta)
        loss = F.binary_cross_entropy_with_logits(logits, y)
        acc = ((logits > 0).float() == y).float().mean()
        self.log(f"{stage}_loss", loss, prog_bar=False, batch_size=y.numel())
        self.log(f"{stage}_acc", acc, prog_bar=False, batch_size=y.numel())
        return loss

    def training_step(self, batch, batch_idx):
        return self._step(batch, "train")

    def validation_step(self, batch, batch_idx):
        self._step(batch, "val")

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams["lr"])


def main():
    L.seed_everything(CFG["seed"], verbose=False)
    rng = np.random.default_rng(CFG["seed"])
    reviews = make_reviews(600, rng)
    train_ds = ReviewDataset(reviews[:500])
    val_ds = ReviewDataset(reviews[500:])

    train_dl = DataLoader(train_ds, batch_size=CFG["batch_size"], shuffle=True, collate_fn=collate_reviews)
    val_dl = DataLoader(val_ds, batch_size=CFG["batch_size"], collate_fn=collate_reviews)

    model = HelpfulnessModel(CFG)
    trainer = L.Trainer(
        max_epochs=CFG["max_epochs"],
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(model, train_dl, val_dl)
    print({k: round(v.item(), 4) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
