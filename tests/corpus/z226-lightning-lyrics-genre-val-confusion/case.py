import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

GENRES = ["country", "hiphop", "metal", "folk"]

TRAIN = [
    ("dusty boots on a gravel road my truck and my old hound dog", 0),
    ("whiskey on the porch while the sun goes down on the county line", 0),
    ("she left me at the rodeo with a broken heart and a pickup truck", 0),
    ("mama prayed by the river and daddy worked the farm", 0),
    ("got the mic in my hand and the beat on repeat", 1),
    ("from the block to the top we been grinding every night", 1),
    ("spit these bars like fire while the bass is hitting hard", 1),
    ("stacking paper in the city never looking back", 1),
    ("thunder in the void the iron throne of endless night", 2),
    ("screaming from the ashes blood and steel we rise", 2),
    ("darkness calls the legion through the fire and the storm", 2),
    ("shatter every chain the blackened sky is burning", 2),
    ("the river winds down to the valley where the willow grows", 3),
    ("sing me a song of the sailor and the lantern by the shore", 3),
    ("the fiddle and the banjo by the fire in the hills", 3),
    ("wander through the meadow with the morning dew", 3),
]
VALID = [
    ("my truck and my hound dog on a gravel road", 0),
    ("the county line and whiskey on the porch", 0),
    ("daddy worked the farm and mama prayed", 0),
    ("beat on repeat with the mic in my hand", 1),
    ("grinding every night from the block", 1),
    ("bass is hitting hard in the city", 1),
    ("blood and steel we rise from the ashes", 2),
    ("the blackened sky is burning through the storm", 2),
    ("iron throne of endless night and thunder", 2),
    ("the willow grows down in the valley", 3),
    ("the lantern by the shore and the sailor", 3),
    ("the banjo and the fiddle in the hills", 3),
    ("morning dew on the meadow", 3),
    ("screaming darkness calls the legion", 2),
]


def build_vocab(lines):
    words = sorted({w for text, _ in lines for w in text.split()})
    return {w: i + 2 for i, w in enumerate(words)}  # 0 = pad, 1 = unk


def to_tensors(lines, vocab, width=16):
    ids = torch.zeros(len(lines), width, dtype=torch.long)
    for row, (text, _) in enumerate(lines):
        toks = [vocab.get(w, 1) for w in text.split()][:width]
        ids[row, : len(toks)] = torch.tensor(toks)
    return ids, torch.tensor([g for _, g in lines])


class LyricGenre(L.LightningModule):
    def __init__(self, vocab_size, val_genres, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.ff = nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, len(GENRES)))
        self.val_genres = val_genres
        self._guesses = []

    def forward(self, ids):
        present = (ids != 0).float().unsqueeze(-1)
        pooled = (self.emb(ids) * present).sum(1) / present.sum(1).clamp(min=1)
        return self.ff(pooled)

    def training_step(self, batch, batch_idx):
        ids, y = batch
        loss = F.cross_entropy(self(ids), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        ids, y = batch
        self._guesses.append(self(ids).argmax(-1))

    def on_validation_epoch_end(self):
        guesses = torch.cat(self._guesses)
        confusion = torch.zeros(len(GENRES), len(GENRES), dtype=torch.long)
        for i, gold in enumerate(self.val_genres):
            confusion[gold, guesses[i]] += 1
        per_class = confusion.diag().float() / confusion.sum(1).clamp(min=1)
        self.log("val_macro_recall", per_class.mean())
        self._guesses.clear()

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=5e-3)


def run():
    L.seed_everything(7, verbose=False)
    vocab = build_vocab(TRAIN)
    x_tr, y_tr = to_tensors(TRAIN, vocab)
    x_va, y_va = to_tensors(VALID, vocab)
    train_dl = DataLoader(TensorDataset(x_tr, y_tr), batch_size=4, shuffle=True)
    val_dl = DataLoader(TensorDataset(x_va, y_va), batch_size=4)
    model = LyricGenre(len(vocab) + 2, y_va)
    trainer = L.Trainer(max_epochs=3, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, train_dl, val_dl)
    print(trainer.callback_metrics)


if __name__ == "__main__":
    run()
