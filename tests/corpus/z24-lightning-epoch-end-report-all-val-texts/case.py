"""Toxic-comment classifier in PyTorch Lightning; at the end of each validation epoch the misclassified
comments are printed next to the model's probability."""
import os
import tempfile
import warnings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

warnings.filterwarnings("ignore")
torch.manual_seed(0)

train = [("you are an idiot", 1), ("thanks for the help", 0), ("nobody asked you loser", 1),
         ("great point well made", 0), ("what a stupid idea", 1), ("i agree with this", 0)]
val = [("this is a stupid comment", 1), ("thanks this helped", 0), ("you loser", 1), ("well made video", 0),
       ("what an idiot", 1), ("i like this idea", 0), ("nobody cares", 1), ("great help thanks", 0),
       ("stupid and wrong", 1), ("agree with you", 0)]

vocab = sorted({w for text, _ in train + val for w in text.split()})
tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))


def collate(rows):
    batch = tokenizer([t for t, _ in rows], padding=True, return_tensors="pt")
    batch["labels"] = torch.tensor([y for _, y in rows])
    return batch


class ToxicityModel(L.LightningModule):
    def __init__(self, val_texts, lr=3e-4):
        super().__init__()
        self.val_texts = val_texts
        self.lr = lr
        self.model = BertForSequenceClassification(BertConfig(
            vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=32, num_labels=2))
        self.val_probs = []

    def training_step(self, batch, batch_idx):
        loss = self.model(**batch).loss
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        out = self.model(**batch)
        self.val_probs.append(out.logits.softmax(-1)[:, 1])
        self.log("val_loss", out.loss)

    def on_validation_epoch_end(self):
        probs = torch.cat(self.val_probs)
        for i, (text, label) in enumerate(self.val_texts):
            if (probs[i] > 0.5) != bool(label):
                print(f"missed: {text!r} label={label} p(toxic)={probs[i]:.2f}")
        self.val_probs.clear()

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


train_loader = DataLoader(train, batch_size=2, shuffle=True, collate_fn=collate)
val_loader = DataLoader(val, batch_size=2, collate_fn=collate)
trainer = L.Trainer(max_epochs=2, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_progress_bar=False, enable_model_summary=False)
trainer.fit(ToxicityModel(val), train_loader, val_loader)
