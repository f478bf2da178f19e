import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning as L
from torch.utils.data import DataLoader

AMINO = "ACDEFGHIKLMNPQRSTVWY"
RESIDUE_ID = {aa: i + 1 for i, aa in enumerate(AMINO)}  # 0 is padding


def synth_peptides(n=64, seed=7):
    rng = random.Random(seed)
    hydrophobic, charged = "AILMFVWY", "DEKR"
    out = []
    for _ in range(n):
        soluble = rng.random() < 0.5
        pool = charged + "GSTNQ" if soluble else hydrophobic + "GPC"
        length = rng.randint(8, 20)
        out.append(("".join(rng.choice(pool) for _ in range(length)), int(soluble)))
    return out


def encode_peptide(seq, width=24):
    ids = [RESIDUE_ID[aa] for aa in seq[:width]]
    return ids + [0] * (width - len(ids))


def peptide_batches(records, batch_size, shuffle):
    pairs = [(torch.tensor(encode_peptide(s)), torch.tensor(y, dtype=torch.float)) for s, y in records]
    return DataLoader(pairs, batch_size=batch_size, shuffle=shuffle)


class SolubilityCNN(L.LightningModule):
    def __init__(self, emb_dim=16, channels=32, lr=2e-3):
        super().__init__()
        self.save_hyperparameters()
        self.residue_emb = nn.Embedding(len(AMINO), emb_dim, padding_idx=0)
        self.conv = nn.Conv1d(emb_dim, channels, kernel_size=5, padding=2)
        self.out = nn.Linear(channels, 1)

    def forward(self, residues):
        x = self.residue_emb(residues).transpose(1, 2)
        x = F.relu(self.conv(x))
        x = x.masked_fill((residues == 0).unsqueeze(1), float("-inf")).amax(dim=2)
        return self.out(x).squeeze(-1)

    def training_step(self, batch, batch_idx):
        residues, soluble = batch
        loss = F.binary_cross_entropy_with_logits(self(residues), soluble)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        residues, soluble = batch
        preds = (self(residues) > 0).float()
        self.log("val_acc", (preds == soluble).float().mean())

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


def main():
    L.seed_everything(0, verbose=False)
    records = synth_peptides()
    train_dl = peptide_batches(records[:48], batch_size=8, shuffle=True)
    val_dl = peptide_batches(records[48:], batch_size=8, shuffle=False)

    trainer = L.Trainer(
        max_epochs=3,
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        default_root_dir=tempfile.mkdtemp(prefix="pep_"),
    )
    model = SolubilityCNN()
    trainer.fit(model, train_dl, val_dl)
    print(trainer.callback_metrics)


if __name__ == "__main__":
    main()
