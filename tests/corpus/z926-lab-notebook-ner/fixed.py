"""Tag reagents, amounts and units in wet-lab notebook lines.

Tiny BERT encoder + linear tag head, trained with Lightning. Config is in settings.ini.
"""
import configparser
import os
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel

SETTINGS = """
[model]
hidden_size = 32
layers = 1
heads = 2
max_len = 16

[data]
labels = O,REAGENT,AMOUNT,UNIT

[train]
batch_size = 2
lr = 1e-3
seed = 3
"""

LINES = [
    ("add 5 ml ethanol", "O AMOUNT UNIT REAGENT"),
    ("weigh 200 mg sodium_chloride", "O AMOUNT UNIT REAGENT"),
    ("stir with 10 ml acetone", "O O AMOUNT UNIT REAGENT"),
    ("dissolve 3 g glucose in water", "O AMOUNT UNIT REAGENT O REAGENT"),
    ("pipette 50 ul buffer", "O AMOUNT UNIT REAGENT"),
    ("heat the toluene slowly", "O O REAGENT O"),
]

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]


@dataclass
class Vocab:
    words: list

    @classmethod
    def from_lines(cls, lines):
        return cls(SPECIALS + sorted({w for text, _ in lines for w in text.split()}))

    def encode(self, text):
        lut = {w: i for i, w in enumerate(self.words)}
        return [lut["[CLS]"]] + [lut.get(w, 1) for w in text.split()] + [lut["[SEP]"]]


def encode_corpus(lines, vocab, tag_names, max_len):
    tag_index = {t: i for i, t in enumerate(tag_names)}
    rows = []
    for text, tags in lines:
        ids = vocab.encode(text)
        tg = [-100] + [tag_index[t] for t in tags.split()] + [-100]
        pad = max_len - len(ids)
        rows.append((
            torch.tensor(ids + [0] * pad),
            torch.tensor([1] * len(ids) + [0] * pad),
            torch.tensor(tg + [-100] * pad),
        ))
    return rows


class NotebookTagger(L.LightningModule):
    def __init__(self, bert_cfg, n_tags, lr):
        super().__init__()
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.tag_head = nn.Linear(bert_cfg.hidden_size, n_tags)
        self.lr = lr

    def forward(self, tok, att):
        hidden = self.encoder(input_ids=tok, attention_mask=att).last_hidden_state
        return self.tag_head(hidden)

    def training_step(self, batch, batch_idx):
        tok, att, tag_ids = batch
        logits = self(tok, att)
        loss = F.cross_entropy(logits.transpose(1, 2), tag_ids, ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)


def main():
    folder = tempfile.mkdtemp(prefix="labnb_")
    ini = os.path.join(folder, "settings.ini")
    with open(ini, "w") as fh:
        fh.write(SETTINGS)
    cfg = configparser.ConfigParser()
    cfg.read(ini)

    L.seed_everything(cfg.getint("train", "seed"))
    tag_names = cfg["data"]["labels"].split(",")
    max_len = cfg.getint("model", "max_len")

    vocab = Vocab.from_lines(LINES)
    rows = encode_corpus(LINES, vocab, tag_names, max_len)
    print(f"{len(rows)} lines, {len(vocab.words)} word types, tags={tag_names}")

    bert_cfg = BertConfig(
        vocab_size=len(vocab.words),
        hidden_size=cfg.getint("model", "hidden_size"),
        num_hidden_layers=cfg.getint("model", "layers"),
        num_attention_heads=cfg.getint("model", "heads"),
        intermediate_size=2 * cfg.getint("model", "hidden_size"),
        max_position_embeddings=max_len,
    )
    tagger = NotebookTagger(bert_cfg, len(tag_names), cfg.getfloat("train", "lr"))
    loader = DataLoader(rows, batch_size=cfg.getint("train", "batch_size"), shuffle=True)

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(tagger, loader)
    print("finished, last loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
