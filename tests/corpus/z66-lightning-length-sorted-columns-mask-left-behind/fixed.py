"""Toxicity classifier with PyTorch Lightning on a small BERT.

Preprocessing is done column-wise, like a `datasets` map(batched=True): a dict of lists.  The examples are
sorted by length so that each batch needs little padding (hence no shuffling).
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import lightning as L
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(0, verbose=False)

RAW = {
    "text": ["you are an idiot", "thanks for the quick help yesterday", "nobody wants your stupid opinion here",
             "great point", "shut up", "i really enjoyed reading this thoughtful and detailed answer",
             "what a dumb thing to say", "see you at the meetup"],
    "toxic": [1, 0, 1, 0, 1, 0, 1, 0],
}


def preprocess(columns, tokenizer):
    enc = tokenizer(columns["text"], truncation=True, max_length=48)
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "label": columns["toxic"]}


def sort_by_length(columns):
    order = sorted(range(len(columns["input_ids"])), key=lambda i: len(columns["input_ids"][i]))
    return {name: [values[i] for i in order] for name, values in columns.items()}


def collate(rows):
    return {
        "input_ids": pad_sequence([torch.tensor(r["input_ids"]) for r in rows], batch_first=True),
        "attention_mask": pad_sequence([torch.tensor(r["attention_mask"]) for r in rows], batch_first=True),
        "labels": torch.tensor([r["label"] for r in rows]),
    }


class ToxicityModule(L.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        self.model = BertForSequenceClassification(BertConfig(
            vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=64, num_labels=2))

    def training_step(self, batch, batch_idx):
        loss = self.model(**batch).loss
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-3)


workdir = tempfile.mkdtemp(prefix="toxic-")
with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
    words = sorted({w for t in RAW["text"] for w in t.split()})
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))

columns = sort_by_length(preprocess(RAW, tokenizer))
rows = [dict(zip(columns, values)) for values in zip(*columns.values())]
loader = DataLoader(rows, batch_size=4, shuffle=False, collate_fn=collate)

trainer = L.Trainer(max_epochs=2, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_progress_bar=False, enable_model_summary=False)
trainer.fit(ToxicityModule(len(tokenizer)), loader)
print("done, steps:", trainer.global_step)
