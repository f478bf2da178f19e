"""Word-sense classifier for ambiguous words: read the BiGRU state at the target word, trained with Lightning."""
import csv
import io

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

SENSES = ["finance", "nature", "sport"]
ANNOTATIONS_CSV = """sentence,target_index,sense
she deposited the cheque at the bank,6.0,finance
they had a picnic on the bank of the river,5.0,nature
the bank raised its mortgage rates,1.0,finance
he swung the bat and missed,3.0,sport
a bat flew out of the cave at dusk,1.0,nature
the river bank was muddy after the rain,2.0,nature
the club ordered new bats for the season,4.0,sport
interest at the bank doubled this year,3.0,finance
"""


def load_examples(text):
    examples = []
    for row in csv.DictReader(io.StringIO(text)):
        words = row["sentence"].split()
        examples.append((words, float(row["target_index"]), SENSES.index(row["sense"])))
    return examples


def make_collate(vocab):
    def collate(batch):
        ids = [torch.tensor([vocab[w] for w in words]) for words, _, _ in batch]
        targets = torch.tensor([pos for _, pos, _ in batch])
        senses = torch.tensor([sense for _, _, sense in batch])
        return pad_sequence(ids, batch_first=True), targets, senses
    return collate


class SenseClassifier(L.LightningModule):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.save_hyperparameters()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.gru = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * dim, len(SENSES))

    def forward(self, ids, target_index):
        states, _ = self.gru(self.embed(ids))
        rows = torch.arange(ids.size(0), device=ids.device)
        return self.head(states[rows, target_index])

    def training_step(self, batch, batch_idx):
        ids, target_index, senses = batch
        loss = F.cross_entropy(self(ids, target_index), senses)
        self.log("loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=5e-3)


if __name__ == "__main__":
    L.seed_everything(0)
    examples = load_examples(ANNOTATIONS_CSV)
    vocab = {w: i for i, w in enumerate(sorted({w for words, _, _ in examples for w in words}), start=1)}
    loader = DataLoader(examples, batch_size=4, shuffle=True, collate_fn=make_collate(vocab))
    trainer = L.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False)
    trainer.fit(SenseClassifier(len(vocab) + 1), loader)
    print(trainer.callback_metrics)
