"""Flag action items in meeting transcript snippets with a small transformer encoder (Lightning)."""
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning.pytorch as pl
from torch.utils.data import DataLoader, Dataset

MAX_POSITIONS = 64

SNIPPETS = [
    ("sarah will send the revised budget to finance by friday", 1),
    ("thanks everyone for joining today", 0),
    ("mike to follow up with the vendor about the delayed shipment", 1),
    ("we talked about the q3 numbers last week", 0),
    ("action item for priya schedule the design review next tuesday", 1),
    ("the demo went well overall", 0),
    ("can someone update the onboarding doc before monday", 1),
    ("let us move on to the next topic", 0),
    ("tom will draft the release notes and share them in the channel", 1),
    ("good point i agree with that", 0),
    ("so yeah i think what we were saying earlier is that the migration is kind of "
     "blocked on the auth service and um the auth team said they might have something "
     "next sprint but honestly nobody really knows and then there is the whole question "
     "of whether we even want to keep the old endpoints around for the mobile clients "
     "because they still call them and if we turn them off the app breaks so maybe "
     "we just leave it for now and revisit it at the next planning meeting", 0),
    ("jen owns the customer follow up email for the outage", 1),
]


class SnippetDataset(Dataset):
    def __init__(self, rows, vocab, max_len):
        self.rows, self.vocab, self.max_len = rows, vocab, max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, label = self.rows[idx]
        ids = [self.vocab.get(w, 1) for w in text.split()][: self.max_len]
        return torch.tensor(ids), label


class TranscriptDataModule(pl.LightningDataModule):
    def __init__(self, rows, batch_size=4):
        super().__init__()
        self.rows, self.batch_size = rows, batch_size
        words = sorted({w for t, _ in rows for w in t.split()})
        self.vocab = {w: i + 2 for i, w in enumerate(words)}  # 0 = pad, 1 = unk

    def setup(self, stage=None):
        self.train_ds = SnippetDataset(self.rows, self.vocab, max_len=MAX_POSITIONS)

    @staticmethod
    def collate(batch):
        seqs, labels = zip(*batch)
        ids = nn.utils.rnn.pad_sequence(seqs, batch_first=True, padding_value=0)
        return ids, ids.ne(0), torch.tensor(labels, dtype=torch.float)

    def train_dataloader(self):
        return DataLoader(self.train_ds, batch_size=self.batch_size, shuffle=True,
                          collate_fn=self.collate)


class ActionItemTagger(pl.LightningModule):
    def __init__(self, vocab_size, d_model=48, nhead=4, layers=2, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        self.tok_emb = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.pos_emb = nn.Embedding(MAX_POSITIONS, d_model)
        enc_layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward=96, batch_first=True)
        self.encoder = nn.TransformerEncoder(enc_layer, layers)
        self.head = nn.Linear(d_model, 1)

    def forward(self, ids, mask):
        pos = torch.arange(ids.size(1), device=ids.device).unsqueeze(0)
        h = self.tok_emb(ids) + self.pos_emb(pos)
        h = self.encoder(h, src_key_padding_mask=~mask)
        h = (h * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
        return self.head(h).squeeze(-1)

    def training_step(self, batch, batch_idx):
        ids, mask, labels = batch
        logits = self(ids, mask)
        loss = F.binary_cross_entropy_with_logits(logits, labels)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


if __name__ == "__main__":
    pl.seed_everything(0)
    random.seed(0)
    dm = TranscriptDataModule(SNIPPETS, batch_size=4)
    model = ActionItemTagger(vocab_size=len(dm.vocab) + 2)
    trainer = pl.Trainer(accelerator="cpu", logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, max_epochs=1)
    trainer.fit(model, datamodule=dm)
    print("done")
