"""Relation extraction with entity markers: a LightningDataModule adds [E1] [/E1] [E2] [/E2] to the tokenizer."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "alice", "bob", "acme", "works", "for", "founded", "is",
         "married", "to", "paris", "lives", "in", "the", "company"]
RELATIONS = ["employee_of", "founder_of", "spouse_of", "lives_in"]
MARKERS = ["[E1]", "[/E1]", "[E2]", "[/E2]"]

tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(VOCAB) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))

examples = [("alice works for acme", (0, 1), (3, 4), "employee_of"),
            ("bob founded the company", (0, 1), (2, 4), "founder_of"),
            ("alice is married to bob", (0, 1), (4, 5), "spouse_of"),
            ("bob lives in paris", (0, 1), (3, 4), "lives_in")]


def mark(text, e1, e2):
    words = text.split()
    out = []
    for i, w in enumerate(words):
        if i == e1[0]:
            out.append("[E1]")
        if i == e2[0]:
            out.append("[E2]")
        out.append(w)
        if i == e1[1] - 1:
            out.append("[/E1]")
        if i == e2[1] - 1:
            out.append("[/E2]")
    return " ".join(out)


class RelationDataModule(L.LightningDataModule):
    def __init__(self, tokenizer, batch_size=2):
        super().__init__()
        self.tokenizer = tokenizer
        self.batch_size = batch_size

    def setup(self, stage=None):
        self.tokenizer.add_special_tokens({"additional_special_tokens": MARKERS})
        self.train_rows = [(mark(text, e1, e2), RELATIONS.index(rel)) for text, e1, e2, rel in examples]

    def collate(self, rows):
        enc = self.tokenizer([t for t, _ in rows], padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor([y for _, y in rows])
        return dict(enc)

    def train_dataloader(self):
        return DataLoader(self.train_rows, batch_size=self.batch_size, shuffle=True, collate_fn=self.collate)


class RelationClassifier(L.LightningModule):
    def __init__(self, vocab_size, num_relations):
        super().__init__()
        self.model = BertForSequenceClassification(BertConfig(
            vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
            intermediate_size=37, max_position_embeddings=32, num_labels=num_relations))

    def setup(self, stage=None):
        self.model.resize_token_embeddings(len(self.trainer.datamodule.tokenizer))

    def training_step(self, batch, batch_idx):
        return self.model(**batch).loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=5e-4)


dm = RelationDataModule(tokenizer)
model = RelationClassifier(vocab_size=tokenizer.vocab_size, num_relations=len(RELATIONS))
trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
                    enable_model_summary=False, enable_progress_bar=False)
trainer.fit(model, datamodule=dm)
print("trained")
