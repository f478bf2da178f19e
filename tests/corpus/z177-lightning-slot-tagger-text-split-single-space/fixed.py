"""Slot tagger for restaurant-booking requests (BiLSTM) trained with the Lightning Trainer from a TSV export."""
import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset

EXPORT = """book a table for two\tO O O O B-PARTY
table for four tonight at eight\tO O B-PARTY B-DATE O B-TIME
reserve a table at luigis for  six people on friday\tO O O O B-REST O B-PARTY O O B-DATE
cancel my booking for tomorrow\tO O O O B-DATE
i need a table for three at seven\tO O O O O B-PARTY O B-TIME
find sushi for two on saturday\tO B-CUISINE O B-PARTY O B-DATE
a quiet table at nonna for five\tO O O O B-REST O B-PARTY
move my reservation to nine\tO O O O B-TIME
"""
TAGS = ["O", "B-PARTY", "B-DATE", "B-TIME", "B-REST", "B-CUISINE"]


def read_export(text):
    rows = []
    for line in text.strip().splitlines():
        sentence, tags = line.split("\t")
        rows.append((sentence.split(), [TAGS.index(t) for t in tags.split()]))
    return rows


class SlotData(Dataset):
    def __init__(self, rows, vocab):
        self.rows, self.vocab = rows, vocab

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        words, tags = self.rows[i]
        return torch.tensor([self.vocab.get(w, 1) for w in words]), torch.tensor(tags)


def pad_batch(items):
    ids, tags = zip(*items)
    return pad_sequence(ids, batch_first=True), pad_sequence(tags, batch_first=True, padding_value=-100)


class SlotTagger(L.LightningModule):
    def __init__(self, vocab_size, n_tags, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.lstm = nn.LSTM(dim, dim, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * dim, n_tags)

    def forward(self, ids):
        states, _ = self.lstm(self.embed(ids))
        return self.proj(states)

    def training_step(self, batch, batch_idx):
        ids, tags = batch
        logits = self(ids)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tags.reshape(-1), ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-2)


if __name__ == "__main__":
    L.seed_everything(0)
    rows = read_export(EXPORT)
    vocab = {w: i for i, w in enumerate(sorted({w for words, _ in rows for w in words}), start=2)}
    loader = DataLoader(SlotData(rows, vocab), batch_size=4, collate_fn=pad_batch)
    trainer = L.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False)
    trainer.fit(SlotTagger(len(vocab) + 2, len(TAGS)), loader)
    print(trainer.callback_metrics)
