"""News-article topic classifier: a LightningDataModule that tokenizes, a LightningModule around a tiny BERT."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "council", "voted", "to", "raise", "taxes", "team",
         "won", "final", "match", "market", "shares", "fell", "after", "report", "and", "on", "in", "a"]
TOPICS = ["politics", "sports", "economy"]
MAX_POSITIONS = 40

articles = [("the council voted to raise taxes", "politics"),
            ("the team won the final match", "sports"),
            (" ".join(["market shares fell after the report and the council voted on a match"] * 4), "economy"),
            ("shares fell in the market", "economy")]

tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(VOCAB) + "\n")


class NewsDataModule(L.LightningDataModule):
    def __init__(self, vocab_file, max_length=128, batch_size=2):
        super().__init__()
        self.save_hyperparameters()
        self.tokenizer = BertTokenizer(vocab_file)

    def setup(self, stage=None):
        self.train_rows = articles

    def collate(self, rows):
        enc = self.tokenizer([text for text, _ in rows], padding="longest", truncation=True,
                             max_length=self.hparams.max_length, return_tensors="pt")
        enc["labels"] = torch.tensor([TOPICS.index(topic) for _, topic in rows])
        return dict(enc)

    def train_dataloader(self):
        return DataLoader(self.train_rows, batch_size=self.hparams.batch_size, collate_fn=self.collate)


class TopicModel(L.LightningModule):
    def __init__(self, vocab_size, num_topics, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        self.bert = BertForSequenceClassification(BertConfig(
            vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
            intermediate_size=37, max_position_embeddings=MAX_POSITIONS, num_labels=num_topics))

    def training_step(self, batch, batch_idx):
        return self.bert(**batch).loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


dm = NewsDataModule(os.path.join(tmp, "vocab.txt"), max_length=MAX_POSITIONS)
model = TopicModel(vocab_size=len(dm.tokenizer), num_topics=len(TOPICS))
trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_model_summary=False, enable_progress_bar=False)
trainer.fit(model, datamodule=dm)
print("trained")
