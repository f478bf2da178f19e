import random

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

CONFIG = {
    "data": {"pad_to": 14, "batch_size": 6, "val_fraction": 0.2},
    "model": {"emb_dim": 24, "rnn_dim": 32, "dropout": 0.1},
    "optim": {"lr": 3e-3, "weight_decay": 0.0},
    "trainer": {"max_steps": 8, "seed": 7},
}

TAGS = ["O", "QTY", "UNIT", "ING", "ACT"]

RAW_STEPS = [
    ("whisk 2 cups flour", "ACT QTY UNIT ING"),
    ("add 1 tsp salt", "ACT QTY UNIT ING"),
    ("chop 3 cloves garlic finely", "ACT QTY UNIT ING O"),
    ("melt 50 g butter in a pan", "ACT QTY UNIT ING O O O"),
    ("stir in 200 ml milk slowly", "ACT O QTY UNIT ING O"),
    ("fold 2 tbsp sugar into the batter", "ACT QTY UNIT ING O O ING"),
    ("simmer 4 cups stock for ten minutes", "ACT QTY UNIT ING O O O"),
    ("season with 1 pinch pepper", "ACT O QTY UNIT ING"),
    ("dice 1 large onion", "ACT QTY O ING"),
    ("pour 250 ml cream over the pasta", "ACT QTY UNIT ING O O ING"),
    ("knead the dough for 8 minutes", "ACT O ING O QTY O"),
    ("grate 100 g cheese", "ACT QTY UNIT ING"),
    ("toast 2 slices bread", "ACT QTY UNIT ING"),
    ("beat 3 eggs with a fork", "ACT QTY ING O O O"),
    ("roast 500 g carrots until golden", "ACT QTY UNIT ING O O"),
    ("sprinkle 1 tsp cinnamon on top", "ACT QTY UNIT ING O O"),
    ("mix 2 cups rice with 3 cups water", "ACT QTY UNIT ING O QTY UNIT ING"),
    ("squeeze 1 lemon over the fish", "ACT QTY ING O O ING"),
]


class StepDataset(Dataset):
    def __init__(self, rows, vocab, pad_to):
        self.items = []
        for text, tag_str in rows:
            ids = [vocab.get(w, 1) for w in text.split()][:pad_to]
            tag_ids = [TAGS.index(t) for t in tag_str.split()][:pad_to]
            ids += [0] * (pad_to - len(ids))
            tag_ids += [-100] * (pad_to - len(tag_ids))
            self.items.append((torch.tensor(ids), torch.tensor(tag_ids)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class RecipeData(L.LightningDataModule):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        words = sorted({w for text, _ in RAW_STEPS for w in text.split()})
        self.vocab = {w: i + 2 for i, w in enumerate(words)}

    def setup(self, stage=None):
        rows = RAW_STEPS[:]
        random.Random(0).shuffle(rows)
        n_val = max(1, int(len(rows) * self.cfg["val_fraction"]))
        self.train_ds = StepDataset(rows[n_val:], self.vocab, self.cfg["pad_to"])
        self.val_ds = StepDataset(rows[:n_val], self.vocab, self.cfg["pad_to"])

    def train_dataloader(self):
        return DataLoader(self.train_ds, batch_size=self.cfg["batch_size"], shuffle=True)

    def val_dataloader(self):
        return DataLoader(self.val_ds, batch_size=self.cfg["batch_size"])


class StepTagger(L.LightningModule):
    def __init__(self, vocab_size, n_tags, model_cfg, optim_cfg):
        super().__init__()
        self.optim_cfg = optim_cfg
        self.emb = nn.Embedding(vocab_size, model_cfg["emb_dim"], padding_idx=0)
        self.rnn = nn.GRU(model_cfg["emb_dim"], model_cfg["rnn_dim"], batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(model_cfg["dropout"])
        self.proj = nn.Linear(2 * model_cfg["rnn_dim"], n_tags)

    def forward(self, tokens):
        hidden, _ = self.rnn(self.emb(tokens))
        return self.proj(self.drop(hidden))

    def _shared(self, batch):
        tokens, gold = batch
        scores = self(tokens)
        loss = F.cross_entropy(scores, gold, ignore_index=-100)
        return loss, scores, gold

    def training_step(self, batch, batch_idx):
        loss, _, _ = self._shared(batch)
        return loss

    def validation_step(self, batch, batch_idx):
        loss, scores, gold = self._shared(batch)
        keep = gold != -100
        acc = (scores.argmax(-1)[keep] == gold[keep]).float().mean()
        self.log_dict({"val_loss": loss, "val_acc": acc})

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), **self.optim_cfg)


def main(cfg):
    L.seed_everything(cfg["trainer"]["seed"])
    dm = RecipeData(cfg["data"])
    tagger = StepTagger(len(dm.vocab) + 2, len(TAGS), cfg["model"], cfg["optim"])
    trainer = L.Trainer(
        max_steps=cfg["trainer"]["max_steps"],
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
    )
    trainer.fit(tagger, datamodule=dm)
    print(trainer.callback_metrics)


if __name__ == "__main__":
    main(CONFIG)
