"""Tag finds and materials in excavation context-sheet notes (BIO tagging).

Context sheets from the trench supervisors are short notes; we tag the artefact
mentions and their material so they can be cross-checked against the finds register.
"""
import enum
import os
import tempfile
from dataclasses import dataclass, field

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)


class Tag(enum.IntEnum):
    O = 0
    B_FIND = 1
    I_FIND = 2
    B_MAT = 3
    I_MAT = 4


class Phase(enum.Enum):
    FIT = "fit"
    CHECK = "check"


@dataclass
class ContextSheet:
    context_no: int
    words: list
    tags: list = field(default_factory=list)


def sheet(no, annotated):
    words, tags = [], []
    for chunk in annotated.split():
        word, _, t = chunk.partition("/")
        words.append(word)
        tags.append(Tag[t] if t else Tag.O)
    return ContextSheet(no, words, tags)


SHEETS = [
    sheet(1001, "rim/B_FIND sherd/I_FIND of grey/B_MAT ware/I_MAT in fill"),
    sheet(1002, "iron/B_MAT nail/B_FIND found near post hole"),
    sheet(1003, "bone/B_MAT comb/B_FIND fragment/I_FIND in hearth deposit"),
    sheet(1004, "flint/B_MAT scraper/B_FIND recovered from topsoil layer"),
    sheet(1005, "copper/B_MAT alloy/I_MAT brooch/B_FIND pin/I_FIND in ditch fill"),
    sheet(1006, "loom/B_FIND weight/I_FIND of fired/B_MAT clay/I_MAT beside wall"),
]


def encode_sheet(tok, cs, max_len=20):
    enc = tok(cs.words, is_split_into_words=True, truncation=True, max_length=max_len,
              padding="max_length", return_tensors="pt")
    aligned = []
    for wid in enc.word_ids(0):
        match wid:
            case None:
                aligned.append(-100)
            case int(i):
                aligned.append(int(cs.tags[i]))
    enc = {k: v.squeeze(0) for k, v in enc.items()}
    enc["tag_ids"] = torch.tensor(aligned)
    return enc


class FindsTagger(L.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.head = nn.Linear(cfg.hidden_size, len(Tag))
        self.criterion = nn.CrossEntropyLoss(ignore_index=-100)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        return self.head(hidden)

    def _shared(self, batch, phase):
        gold = batch.pop("tag_ids")
        scores = self(**batch)
        loss = self.criterion(scores.transpose(1, 2), gold)
        match phase:
            case Phase.FIT:
                self.log("train_loss", loss)
            case Phase.CHECK:
                self.log("val_loss", loss)
        return loss

    def training_step(self, batch, batch_idx):
        return self._shared(batch, Phase.FIT)

    def validation_step(self, batch, batch_idx):
        self._shared(batch, Phase.CHECK)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-3)


def main():
    words = sorted({w.lower() for s in SHEETS for w in s.words})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(path)

    encoded = [encode_sheet(tok, s) for s in SHEETS]
    print(f"encoded {len(encoded)} context sheets, {len(Tag)} tag types")
    train_dl = DataLoader(encoded[:4], batch_size=2, shuffle=True)
    val_dl = DataLoader(encoded[4:], batch_size=2)

    model = FindsTagger(tok.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(model, train_dl, val_dl)
    print("done; final train loss", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
