"""Tone classifier (neutral / frustrated / pleased) for support replies: BERT encoder in a LightningModule."""
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizerFast

TONES = ["neutral", "frustrated", "pleased"]
REPLIES = [
    ("the package will arrive on monday", "neutral"),
    ("this is the third time i am asking", "frustrated"),
    ("thank you so much that fixed it", "pleased"),
    ("please send the order number", "neutral"),
    ("nobody has answered my emails for a week", "frustrated"),
    ("great service really quick", "pleased"),
    ("i am still waiting and it is ridiculous", "frustrated"),
    ("the invoice is attached", "neutral"),
]


class ToneClassifier(L.LightningModule):
    def __init__(self, vocab_size, hidden_size=32, num_tones=3, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=hidden_size, num_hidden_layers=1,
                                            num_attention_heads=2, intermediate_size=64,
                                            max_position_embeddings=32))
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(hidden_size, num_tones)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        first_token = hidden[:, :1]
        return self.head(self.dropout(first_token))

    def training_step(self, batch, batch_idx):
        logits = self(batch["input_ids"], batch["attention_mask"])
        loss = F.cross_entropy(logits, batch["labels"])
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def make_loader(tokenizer, batch_size=4):
    def collate(rows):
        enc = tokenizer([text for text, _ in rows], padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([TONES.index(tone) for _, tone in rows])
        return dict(enc)
    return DataLoader(REPLIES, batch_size=batch_size, shuffle=True, collate_fn=collate)


if __name__ == "__main__":
    L.seed_everything(7)
    vocab = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                           + sorted({w for text, _ in REPLIES for w in text.split()})) + "\n")
    tokenizer = BertTokenizerFast(vocab)
    model = ToneClassifier(vocab_size=len(tokenizer), num_tones=len(TONES))
    trainer = L.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False)
    trainer.fit(model, train_dataloaders=make_loader(tokenizer))
    print("final loss", float(trainer.callback_metrics["train_loss"]))
