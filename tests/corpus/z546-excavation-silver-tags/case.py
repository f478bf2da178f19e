"""Token tagger for excavation context sheets, trained on silver tags.

The silver tags come from the site gazetteer (rule-based) and are kept in a
separate loader so the gazetteer can be swapped without re-tokenising notes.
"""
import os
import re
import tempfile
from functools import partial

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(11, verbose=False)

TAGS = ["O", "ARTEFACT", "MATERIAL", "CONTEXT"]
GAZETTEER = {
    "sherd": 1, "sherds": 1, "brooch": 1, "coin": 1, "nail": 1, "loomweight": 1, "flint": 1,
    "bronze": 2, "iron": 2, "bone": 2, "ceramic": 2, "antler": 2, "charcoal": 2,
    "fill": 3, "posthole": 3, "ditch": 3, "pit": 3, "layer": 3, "hearth": 3,
}

CONTEXT_SHEETS = [
    "iron nail in upper fill of posthole",
    "bronze brooch recovered from ditch fill near the butt end with charcoal flecks",
    "bone comb fragment",
    "two ceramic sherds and a flint flake in pit fill",
    "antler tine in hearth layer",
    "charcoal rich layer sealing the pit cut with occasional burnt bone and a worn bronze coin",
    "loomweight fragment in ditch",
    "iron slag and ceramic sherds from the upper layer of the enclosure ditch below the plough soil",
    "flint scraper",
    "burnt bone in posthole fill",
    "coin under hearth",
    "sherds of ceramic vessel with sooted rim in pit",
]


def split(text):
    return re.findall(r"\w+", text.lower())


def make_tokenizer(texts):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({w for t in texts for w in split(t)})
    path = os.path.join(tempfile.mkdtemp(prefix="dig_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


def silver_tags(text):
    # one tag per word plus ignored slots for [CLS] / [SEP]
    return [-100] + [GAZETTEER.get(w, 0) for w in split(text)] + [-100]


def collate_notes(batch, tokenizer):
    return tokenizer.pad(batch, return_tensors="pt")


def collate_tags(batch):
    width = max(len(t) for t in batch)
    out = torch.full((len(batch), width), -100, dtype=torch.long)
    for row, tags in enumerate(batch):
        out[row, : len(tags)] = torch.tensor(tags)
    return out


class ContextSheetTagger(L.LightningModule):
    def __init__(self, vocab_size, n_tags, lr=3e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.head = torch.nn.Linear(cfg.hidden_size, n_tags)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        return self.head(states)

    def training_step(self, batch, batch_idx):
        notes, silver = batch["notes"], batch["silver"]
        scores = self(**notes)
        loss = F.cross_entropy(scores.view(-1, scores.size(-1)), silver.view(-1), ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


class SheetData(L.LightningDataModule):
    def __init__(self, sheets, tokenizer, batch_size=4):
        super().__init__()
        self.sheets, self.tokenizer, self.batch_size = sheets, tokenizer, batch_size

    def setup(self, stage=None):
        self.encoded = [self.tokenizer(s) for s in self.sheets]
        self.silver = [silver_tags(s) for s in self.sheets]

    def train_dataloader(self):
        notes = DataLoader(self.encoded, batch_size=self.batch_size, shuffle=True,
                           collate_fn=partial(collate_notes, tokenizer=self.tokenizer))
        silver = DataLoader(self.silver, batch_size=self.batch_size, collate_fn=collate_tags)
        return {"notes": notes, "silver": silver}


if __name__ == "__main__":
    tokenizer = make_tokenizer(CONTEXT_SHEETS)
    data = SheetData(CONTEXT_SHEETS, tokenizer)
    model = ContextSheetTagger(len(tokenizer), len(TAGS))
    print(f"{len(CONTEXT_SHEETS)} context sheets, vocab {len(tokenizer)}, tags {TAGS}")
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, datamodule=data)
    print("done, last loss", float(trainer.callback_metrics["train_loss"]))
