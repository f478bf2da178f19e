"""News-topic classifier: DistilBERT fine-tuned inside a LightningModule, validation accuracy logged per epoch."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertTokenizer, DistilBertConfig, DistilBertForSequenceClassification

TOPICS = ["politics", "sport", "tech"]
TRAIN = [
    ("parliament votes on the new budget", 0), ("the striker scored in the final minute", 1),
    ("a new phone with a faster chip", 2), ("the minister resigned after the vote", 0),
    ("the team won the league title", 1), ("startup releases an open source database", 2),
    ("senate debates the election law", 0), ("tennis star wins the open", 1),
]
VAL = [("the president met the minister", 0), ("goalkeeper saves a penalty", 1),
       ("chip makers report strong sales", 2), ("the coach praised the team", 1)]

L.seed_everything(0, verbose=False)
tmp = tempfile.mkdtemp()
words = sorted({w for t, _ in TRAIN + VAL for w in t.split()})
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))


def collate(rows):
    batch = tokenizer([t for t, _ in rows], padding=True, truncation=True, max_length=32, return_tensors="pt")
    batch["labels"] = torch.tensor([y for _, y in rows])
    return dict(batch)


class TopicModel(L.LightningModule):
    def __init__(self, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        config = DistilBertConfig(vocab_size=len(tokenizer), dim=32, hidden_dim=64, n_layers=1, n_heads=2,
                                  max_position_embeddings=64, num_labels=len(TOPICS))
        self.model = DistilBertForSequenceClassification(config)

    def training_step(self, batch, batch_idx):
        out = self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["labels"])
        self.log("train_loss", out.loss)
        return out.loss

    def validation_step(self, batch, batch_idx):
        out = self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["labels"])
        preds = torch.argmax(out.logits, dim=0)
        acc = (preds == batch["labels"]).float().mean()
        self.log_dict({"val_loss": out.loss, "val_acc": acc}, prog_bar=True)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


train_loader = DataLoader(TRAIN, batch_size=4, shuffle=True, collate_fn=collate)
val_loader = DataLoader(VAL, batch_size=4, collate_fn=collate)
trainer = L.Trainer(max_epochs=2, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_progress_bar=False, enable_model_summary=False)
trainer.fit(TopicModel(), train_loader, val_loader)
