"""News headline topic classifier: BiLSTM over word embeddings, LightningModule + LightningDataModule."""
import lightning.pytorch as pl
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence
from torch.utils.data import DataLoader

HEADLINES = [
    ("stocks rally as inflation cools", "business"), ("local team wins the cup final", "sport"),
    ("new phone has a folding screen", "tech"), ("central bank holds rates steady", "business"),
    ("striker signs a three year deal", "sport"), ("chip maker unveils faster laptop processor", "tech"),
    ("oil prices slip on weak demand", "business"), ("coach resigns after heavy defeat", "sport"),
]
TOPICS = sorted({t for _, t in HEADLINES})


class HeadlineData(pl.LightningDataModule):
    def __init__(self, batch_size=4):
        super().__init__()
        self.batch_size = batch_size
        self.vocab = {"<pad>": 0}
        for text, _ in HEADLINES:
            for w in text.split():
                self.vocab.setdefault(w, len(self.vocab))

    def encode(self, batch):
        seqs = [torch.tensor([self.vocab[w] for w in text.split()]) for text, _ in batch]
        lengths = torch.tensor([len(s) for s in seqs])
        topics = torch.tensor([TOPICS.index(t) for _, t in batch])
        return pad_sequence(seqs, batch_first=True), lengths, topics

    def train_dataloader(self):
        return DataLoader(HEADLINES, batch_size=self.batch_size, shuffle=True, collate_fn=self.encode)


class BiLSTMClassifier(pl.LightningModule):
    def __init__(self, vocab_size, n_topics, emb_dim=32, hidden_dim=48, lr=3e-3):
        super().__init__()
        self.save_hyperparameters()
        self.embedding = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.lstm = nn.LSTM(emb_dim, hidden_dim, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.2)
        self.classifier = nn.Linear(2 * hidden_dim, n_topics)  # both directions are concatenated

    def forward(self, tokens, lengths):
        packed = pack_padded_sequence(self.embedding(tokens), lengths, batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.lstm(packed)
        sentence = torch.cat([h_n[-2], h_n[-1]], dim=-1)  # last forward + last backward state
        return self.classifier(self.dropout(sentence))

    def training_step(self, batch, batch_idx):
        tokens, lengths, topics = batch
        loss = nn.functional.cross_entropy(self(tokens, lengths), topics)
        self.log("loss", loss, prog_bar=True)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


if __name__ == "__main__":
    pl.seed_everything(42)
    data = HeadlineData()
    model = BiLSTMClassifier(len(data.vocab), len(TOPICS))
    trainer = pl.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False)
    trainer.fit(model, datamodule=data)
    print("loss", float(trainer.callback_metrics["loss"]))
