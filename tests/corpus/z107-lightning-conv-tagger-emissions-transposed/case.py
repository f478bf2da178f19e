"""Part-of-speech tagger with a 1-D convolution over word embeddings, trained with Lightning."""
import lightning.pytorch as pl
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

SENTS = [
    "the/DET cat/NOUN sat/VERB on/ADP the/DET mat/NOUN",
    "a/DET dog/NOUN barked/VERB loudly/ADV",
    "she/PRON reads/VERB old/ADJ books/NOUN in/ADP the/DET park/NOUN at/ADP night/NOUN",
    "birds/NOUN sing/VERB",
    "the/DET old/ADJ man/NOUN walked/VERB slowly/ADV home/NOUN",
    "he/PRON eats/VERB green/ADJ apples/NOUN",
    "they/PRON swim/VERB in/ADP the/DET lake/NOUN",
    "a/DET small/ADJ bird/NOUN sang/VERB",
]
TAGSET = ["DET", "NOUN", "VERB", "ADP", "ADV", "PRON", "ADJ"]
TAG_PAD = -100


def parse(line):
    pairs = [tok.rsplit("/", 1) for tok in line.split()]
    return [w for w, _ in pairs], [TAGSET.index(t) for _, t in pairs]


corpus = [parse(s) for s in SENTS]
word_index = {"<pad>": 0, "<unk>": 1}
for words, _ in corpus:
    for w in words:
        word_index.setdefault(w, len(word_index))


def collate(batch):
    words = pad_sequence([torch.tensor([word_index.get(w, 1) for w in ws]) for ws, _ in batch], batch_first=True)
    tags = pad_sequence([torch.tensor(ts) for _, ts in batch], batch_first=True, padding_value=TAG_PAD)
    return words, tags


class ConvTagger(pl.LightningModule):
    def __init__(self, n_words, n_tags, dim=32):
        super().__init__()
        self.save_hyperparameters()
        self.embed = nn.Embedding(n_words, dim, padding_idx=0)
        self.conv = nn.Conv1d(dim, dim, kernel_size=3, padding=1)
        self.emit = nn.Conv1d(dim, n_tags, kernel_size=1)

    def forward(self, words):
        x = self.embed(words).transpose(1, 2)          # (batch, dim, seq)
        emissions = self.emit(torch.relu(self.conv(x)))  # (batch, n_tags, seq)
        return emissions.transpose(1, 2)                 # (batch, seq, n_tags), one row of scores per word

    def training_step(self, batch, batch_idx):
        words, tags = batch
        emissions = self(words)
        loss = F.cross_entropy(emissions, tags, ignore_index=TAG_PAD)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-2)


if __name__ == "__main__":
    pl.seed_everything(0)
    loader = DataLoader(corpus, batch_size=4, shuffle=False, collate_fn=collate)
    tagger = ConvTagger(len(word_index), len(TAGSET))
    trainer = pl.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(tagger, loader)
    print("trained", trainer.global_step, "steps")
