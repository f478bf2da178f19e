import random

import lightning.pytorch as pl
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

AMINO = "ACDEFGHIKLMNPQRSTVWY"
SS_STATES = "HEC"  # helix, strand, coil
AA_TO_IDX = {a: i + 1 for i, a in enumerate(AMINO)}  # 0 = padding
MAX_RESIDUES = 64


def fake_chain(rng):
    n = rng.randint(20, 56)
    seq, ss = [], []
    while len(seq) < n:
        state = rng.choice(SS_STATES)
        run = rng.randint(3, 9)
        pool = {"H": "AELMQKR", "E": "VIYFWT", "C": "GPNDS"}[state]
        seq += [rng.choice(pool) for _ in range(run)]
        ss += [state] * run
    return "".join(seq[:n]), "".join(ss[:n])


class ChainSet(Dataset):
    def __init__(self, n_chains, seed):
        rng = random.Random(seed)
        self.chains = [fake_chain(rng) for _ in range(n_chains)]

    def __len__(self):
        return len(self.chains)

    def __getitem__(self, i):
        seq, ss = self.chains[i]
        residues = torch.tensor([AA_TO_IDX[a] for a in seq])
        states = torch.full((MAX_RESIDUES,), -100, dtype=torch.long)
        states[: len(ss)] = torch.tensor([SS_STATES.index(s) for s in ss])
        return residues, states


def collate_chains(batch):
    residues, states = zip(*batch)
    residues = pad_sequence(residues, batch_first=True, padding_value=0)
    return residues, torch.stack(states)


class SSTagger(pl.LightningModule):
    def __init__(self, emb_dim=24, channels=48, kernel=7, lr=2e-3):
        super().__init__()
        self.save_hyperparameters()
        self.embed = nn.Embedding(len(AMINO) + 1, emb_dim, padding_idx=0)
        self.conv = nn.Sequential(
            nn.Conv1d(emb_dim, channels, kernel, padding=kernel // 2), nn.GELU(),
            nn.Conv1d(channels, channels, kernel, padding=kernel // 2), nn.GELU(),
        )
        self.out = nn.Linear(channels, len(SS_STATES))

    def forward(self, residues):
        h = self.embed(residues).transpose(1, 2)
        h = self.conv(h).transpose(1, 2)
        return self.out(h)

    def _step(self, batch):
        residues, states = batch
        logits = self(residues)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), states.reshape(-1),
                               ignore_index=-100)
        return loss, logits

    def training_step(self, batch, batch_idx):
        loss, _ = self._step(batch)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        loss, logits = self._step(batch)
        mask = batch[1] != -100
        q3 = (logits.argmax(-1)[mask] == batch[1][mask]).float().mean()
        self.log_dict({"val_loss": loss, "val_q3": q3})

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


class ChainData(pl.LightningDataModule):
    def __init__(self, batch_size=16):
        super().__init__()
        self.batch_size = batch_size

    def setup(self, stage=None):
        self.train_set = ChainSet(320, seed=1)
        self.val_set = ChainSet(64, seed=2)

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True,
                          collate_fn=collate_chains)

    def val_dataloader(self):
        return DataLoader(self.val_set, batch_size=self.batch_size, collate_fn=collate_chains)


if __name__ == "__main__":
    pl.seed_everything(0)
    trainer = pl.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                         logger=False, enable_checkpointing=False, enable_model_summary=False,
                         num_sanity_val_steps=0)
    trainer.fit(SSTagger(), datamodule=ChainData())
    print(trainer.callback_metrics)
