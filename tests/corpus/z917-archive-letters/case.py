"""Topic tagging for a merchant-family letter archive.

Letters are short transcriptions; each correspondent has a very personal
spelling and phrasing, so the classifier gets a learned style vector per
writer added to the [CLS] representation.
"""
import os
import tempfile
from collections import OrderedDict

import torch
import torch.nn as nn
import lightning as L
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(7, verbose=False)

LETTERS = [
    ("Abigail", "the brig sailed for lisbon with salt cod and returned with wine", "shipping"),
    ("Abigail", "little henry has the measles and mother sits with him nightly", "family"),
    ("Josiah", "the assembly voted the new duties and the town is much inflamed", "politics"),
    ("Josiah", "pray settle the account with mr crane before the quarter day", "finance"),
    ("Mercy", "our cargo of molasses is landed and the vessel lies at the wharf", "shipping"),
    ("Mercy", "sister writes that the baby is baptised and thriving", "family"),
    ("Ezra", "the governor dissolved the assembly and the people are uneasy", "politics"),
    ("Ezra", "the bill of exchange on london was protested and must be paid", "finance"),
    ("Abigail", "the schooner is overdue from barbados and we fear a storm", "shipping"),
    ("Josiah", "interest on the bond falls due and i have not the specie", "finance"),
    ("Mercy", "the town meeting chose new selectmen amid great clamour", "politics"),
    ("Ezra", "cousin ruth is to be married in the spring at salem", "family"),
    ("Abigail", "the account with the chandler must be settled in specie", "finance"),
    ("Josiah", "the sloop carried lumber to the islands and is safe returned", "shipping"),
]

TOPICS = sorted({t for _, _, t in LETTERS})
WRITERS = list(OrderedDict.fromkeys(w for w, _, _ in LETTERS))


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class LetterSet(Dataset):
    def __init__(self, rows):
        self.rows = rows
        self.writer_ix = {w: i for i, w in enumerate(WRITERS)}
        self.topic_ix = {t: i for i, t in enumerate(TOPICS)}

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        writer, text, topic = self.rows[i]
        return text, i, self.writer_ix[writer], self.topic_ix[topic]


def make_collate(tokenizer, max_len=32):
    def collate(items):
        texts, rows, writers, topics = zip(*items)
        enc = tokenizer(list(texts), padding=True, truncation=True,
                        max_length=max_len, return_tensors="pt")
        return enc, torch.tensor(writers), torch.tensor(rows), torch.tensor(topics)
    return collate


class StyledTopicTagger(L.LightningModule):
    def __init__(self, vocab_size, n_writers, n_topics, hidden=32, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.style = nn.Embedding(n_writers, hidden)
        self.head = nn.Linear(hidden, n_topics)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, enc, writer_ids):
        cls = self.bert(**enc).last_hidden_state[:, 0]
        return self.head(torch.tanh(cls + self.style(writer_ids)))

    def training_step(self, batch, batch_idx):
        enc, rows, writers, topics = batch
        logits = self(enc, writers)
        loss = self.loss_fn(logits, topics)
        self.log("train_loss", loss, batch_size=topics.size(0))
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    tok = build_tokenizer(t for _, t, _ in LETTERS)
    print(f"{len(LETTERS)} letters, {len(WRITERS)} writers, topics={TOPICS}")
    loader = DataLoader(LetterSet(LETTERS), batch_size=4, shuffle=True,
                        collate_fn=make_collate(tok))
    model = StyledTopicTagger(tok.vocab_size, len(WRITERS), len(TOPICS))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False,
                        enable_model_summary=False, log_every_n_steps=1)
    trainer.fit(model, loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
