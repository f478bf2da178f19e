"""De-identification tagger for clinical notes: tag PHI tokens (names, dates, hospitals)."""
import os
import tempfile
from dataclasses import dataclass

import lightning.pytorch as pl
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizerFast


@dataclass
class Cfg:
    labels: tuple = ("O", "NAME", "DATE", "HOSPITAL", "AGE")
    hidden: int = 32
    layers: int = 2
    heads: int = 4
    max_len: int = 40
    batch_size: int = 4
    lr: float = 1e-3
    seed: int = 13


NOTES = [
    ("pt john smith seen on 03/04 at st mary hospital", "O NAME NAME O O O DATE O HOSPITAL HOSPITAL HOSPITAL"),
    ("72 yo female with chest pain", "AGE O O O O O"),
    ("discharged 12/01 to home", "O DATE O O"),
    ("dr alice wong consulted", "O NAME NAME O"),
    ("admitted to general hospital with pneumonia on 05/11", "O O HOSPITAL HOSPITAL O O O DATE"),
    ("no acute distress", "O O O"),
    ("mrs garcia 45 yo presents with fever", "O NAME AGE O O O O"),
    ("follow up at city clinic hospital on 07/22", "O O O HOSPITAL HOSPITAL HOSPITAL O DATE"),
    ("bp stable overnight", "O O O"),
    ("pt bob lee 60 yo transferred to st mary hospital", "O NAME NAME AGE O O O HOSPITAL HOSPITAL HOSPITAL"),
    ("labs drawn on 02/14", "O O O DATE"),
    ("seen by dr patel", "O O O NAME"),
]


def make_tokenizer(notes):
    words = sorted({w for text, _ in notes for w in text.split()})
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizerFast(os.path.join(d, "vocab.txt"))


class NoteDataset(Dataset):
    def __init__(self, notes, tok, cfg):
        self.items = []
        label2id = {l: i for i, l in enumerate(cfg.labels)}
        for text, tags in notes:
            words, word_tags = text.split(), tags.split()
            enc = tok(words, is_split_into_words=True, truncation=True, max_length=cfg.max_len)
            labels = [-100 if w is None else label2id[word_tags[w]] for w in enc.word_ids()]
            self.items.append((enc["input_ids"], enc["attention_mask"], labels))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate(batch, pad_id=0):
    width = max(len(ids) for ids, _, _ in batch)
    pad = lambda seq, v: seq + [v] * (width - len(seq))
    return {
        "input_ids": torch.tensor([pad(ids, pad_id) for ids, _, _ in batch]),
        "attention_mask": torch.tensor([pad(m, 0) for _, m, _ in batch]),
        "labels": torch.tensor([pad(l, -100) for _, _, l in batch]),
    }


class PhiTagger(pl.LightningModule):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        self.cfg = cfg
        self.encoder = BertModel(BertConfig(
            vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=cfg.layers,
            num_attention_heads=cfg.heads, intermediate_size=cfg.hidden * 2, max_position_embeddings=64,
        ), add_pooling_layer=False)
        self.classifier = nn.Linear(cfg.hidden, len(cfg.labels))

    def forward(self, input_ids, attention_mask):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.classifier(h)

    def training_step(self, batch, batch_idx):
        logits = self(batch["input_ids"], batch["attention_mask"])
        loss = F.cross_entropy(logits, batch["labels"], ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.cfg.lr)


if __name__ == "__main__":
    cfg = Cfg()
    pl.seed_everything(cfg.seed)
    tok = make_tokenizer(NOTES)
    train_dl = DataLoader(NoteDataset(NOTES, tok, cfg), batch_size=cfg.batch_size,
                          shuffle=True, collate_fn=collate)
    model = PhiTagger(cfg, tok.vocab_size)
    trainer = pl.Trainer(
        accelerator="cpu", devices=1, max_epochs=1, logger=False,
        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
        default_root_dir=tempfile.mkdtemp(),
    )
    trainer.fit(model, train_dl)
    print("done")
