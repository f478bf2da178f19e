import random
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import lightning.pytorch as pl
from torch.utils.data import Dataset, DataLoader, random_split


@dataclass
class ReadmitConfig:
    seed: int = 11
    n_summaries: int = 256
    max_words: int = 80
    emb_dim: int = 48
    hidden: int = 32
    batch_size: int = 32
    lr: float = 2e-3
    max_epochs: int = 2


RISK_WORDS = ["chf", "copd", "dialysis", "ama", "homeless", "polypharmacy", "sepsis", "frail", "icu", "readmit"]
BENIGN_WORDS = ["elective", "stable", "ambulating", "tolerating", "diet", "independent", "improved", "afebrile"]
FILLER = ("the patient was admitted for management and was seen by the team labs were followed "
          "medications were reconciled plan discussed with family discharge to home with services").split()


def synth_summaries(cfg):
    rng = random.Random(cfg.seed)
    rows = []
    for _ in range(cfg.n_summaries):
        n_risk = rng.randint(0, 4)
        words = rng.sample(RISK_WORDS, n_risk) + rng.sample(BENIGN_WORDS, rng.randint(1, 4))
        words += [rng.choice(FILLER) for _ in range(rng.randint(20, 60))]
        rng.shuffle(words)
        readmitted_30d = int(n_risk + rng.gauss(0, 0.8) >= 2.5)
        rows.append((" ".join(words), readmitted_30d))
    return rows


class DischargeSummaryDataset(Dataset):
    def __init__(self, rows, word2id, max_words):
        self.rows = rows
        self.word2id = word2id
        self.max_words = max_words

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, label = self.rows[i]
        ids = [self.word2id.get(w, 1) for w in text.split()][: self.max_words]
        padded = np.zeros(self.max_words, dtype=np.int64)
        padded[: len(ids)] = ids
        return torch.from_numpy(padded), torch.tensor(len(ids)), torch.tensor(float(label))


class ReadmissionRiskModel(pl.LightningModule):
    def __init__(self, vocab_size, cfg: ReadmitConfig):
        super().__init__()
        self.save_hyperparameters(ignore=["cfg"])
        self.cfg = cfg
        self.embed = nn.Embedding(vocab_size, cfg.emb_dim, padding_idx=0)
        self.encoder = nn.GRU(cfg.emb_dim, cfg.hidden, batch_first=True, bidirectional=True)
        self.attn = nn.Linear(2 * cfg.hidden, 1)
        self.out = nn.Linear(2 * cfg.hidden, 1)
        self.criterion = nn.BCEWithLogitsLoss()

    def forward(self, ids, lengths):
        h, _ = self.encoder(self.embed(ids))
        mask = torch.arange(ids.size(1), device=ids.device)[None, :] < lengths[:, None]
        scores = self.attn(h).squeeze(-1).masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=1).unsqueeze(-1)
        pooled = (weights * h).sum(dim=1)
        return self.out(pooled).squeeze(-1)

    def training_step(self, batch, batch_idx):
        ids, lengths, y = batch
        risk = self(ids, lengths)
        loss = self.criterion(risk, y)
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def validation_step(self, batch, batch_idx):
        ids, lengths, y = batch
        risk = self(ids, lengths)
        loss = self.criterion(risk, y)
        acc = ((torch.sigmoid(risk) > 0.5).float() == y).float().mean()
        self.log_dict({"val_loss": loss, "val_acc": acc})

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.cfg.lr)


def build_vocab(rows):
    word2id = {"<pad>": 0, "<unk>": 1}
    for text, _ in rows:
        for w in text.split():
            word2id.setdefault(w, len(word2id))
    return word2id


def main():
    cfg = ReadmitConfig()
    pl.seed_everything(cfg.seed, verbose=False)
    rows = synth_summaries(cfg)
    word2id = build_vocab(rows)
    full = DischargeSummaryDataset(rows, word2id, cfg.max_words)
    n_val = len(full) // 5
    train_ds, val_ds = random_split(full, [len(full) - n_val, n_val],
                                    generator=torch.Generator().manual_seed(cfg.seed))
    train_dl = DataLoader(train_ds, batch_size=cfg.batch_size, shuffle=True)
    val_dl = DataLoader(val_ds, batch_size=cfg.batch_size)

    model = ReadmissionRiskModel(len(word2id), cfg)
    trainer = pl.Trainer(max_epochs=cfg.max_epochs, accelerator="cpu", devices=1, logger=False,
                         enable_checkpointing=False, enable_progress_bar=False,
                         enable_model_summary=False, num_sanity_val_steps=0)
    trainer.fit(model, train_dl, val_dl)
    print({k: round(float(v), 4) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
