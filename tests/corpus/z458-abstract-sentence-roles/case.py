# Sentence-role classifier for scientific abstracts (BACKGROUND / METHODS / RESULTS / CONCLUSIONS)
import tempfile

import lightning.pytorch as pl
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

pl.seed_everything(7, verbose=False)

ROLES = ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"]
SENTENCES = [
    ("protein misfolding is implicated in many neurodegenerative diseases", 0),
    ("little is known about early aggregation events in vivo", 0),
    ("antibiotic resistance is a growing threat to public health", 0),
    ("we recruited 120 patients from three hospitals", 1),
    ("samples were analysed using mass spectrometry", 1),
    ("we trained a convolutional network on labelled images", 1),
    ("mice were randomly assigned to two groups", 1),
    ("accuracy improved by 12 percent over the baseline", 2),
    ("the treated group showed lower mortality", 2),
    ("no significant difference was observed between groups", 2),
    ("our findings suggest a new therapeutic target", 3),
    ("these results support further clinical trials", 3),
    ("the method generalises to other imaging modalities", 3),
    ("further work is needed to confirm these effects", 3),
]

word2id = {"<pad>": 0, "<unk>": 1}
for sent, _ in SENTENCES:
    for w in sent.split():
        word2id.setdefault(w, len(word2id))


class AbstractDataModule(pl.LightningDataModule):
    def __init__(self, max_len=48, batch_size=4):
        super().__init__()
        self.max_len = max_len
        self.batch_size = batch_size

    def setup(self, stage=None):
        self.train_items = [
            (torch.tensor([word2id.get(w, 1) for w in s.split()][: self.max_len]), y) for s, y in SENTENCES
        ]

    def collate(self, batch):
        ids = [x for x, _ in batch]
        lengths = torch.tensor([len(x) for x in ids])
        tokens = pad_sequence(ids, batch_first=True, padding_value=0)
        pad_mask = torch.arange(self.max_len)[None, :] >= lengths[:, None]
        labels = torch.tensor([y for _, y in batch])
        return tokens, pad_mask, labels

    def train_dataloader(self):
        return DataLoader(self.train_items, batch_size=self.batch_size, shuffle=True, collate_fn=self.collate)


class RoleClassifier(pl.LightningModule):
    def __init__(self, vocab_size, n_roles, d_model=32, n_heads=4, lr=1e-3):
        super().__init__()
        self.save_hyperparameters()
        self.embed = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.pos = nn.Embedding(64, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.head = nn.Linear(d_model, n_roles)

    def forward(self, tokens, pad_mask):
        positions = torch.arange(tokens.size(1), device=tokens.device)
        h = self.embed(tokens) + self.pos(positions)[None]
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)
        return self.head(pooled)

    def training_step(self, batch, batch_idx):
        tokens, pad_mask, labels = batch
        logits = self(tokens, pad_mask)
        loss = F.cross_entropy(logits, labels)
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


if __name__ == "__main__":
    dm = AbstractDataModule()
    model = RoleClassifier(vocab_size=len(word2id), n_roles=len(ROLES))
    trainer = pl.Trainer(
        accelerator="cpu",
        max_epochs=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=tempfile.mkdtemp(),
    )
    trainer.fit(model, datamodule=dm)
    print("done, final loss:", float(trainer.callback_metrics["train_loss"]))
