"""Token tagging of archaeological context-sheet notes (material / period / feature) with a
tiny BERT encoder wrapped in a LightningModule.

Every artefact (vocab, tag map, encoded sheets) goes to JSON under the run folder and is read
back from disk, so the exact inputs of a run can be diffed later.
"""
import json
import os
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel

L.seed_everything(3, verbose=False)
WORKDIR = tempfile.mkdtemp(prefix="ctxsheets_")
MANIFEST = {k: os.path.join(WORKDIR, f"{k}.json") for k in ("vocab", "tagset", "encoded")}


def save_json(obj, path):
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, ensure_ascii=False)


def load_json(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


# (note, per-word tags) transcribed from trench C context sheets
SHEETS = [
    ("sherd of samian ware in pit fill", "O O MAT MAT O FEAT O"),
    ("roman coin found near posthole", "PER MAT O O FEAT"),
    ("flint scraper in ditch cut", "MAT MAT O FEAT O"),
    ("medieval pottery within hearth deposit", "PER MAT O FEAT O"),
    ("iron age bead beside posthole", "PER PER MAT O FEAT"),
    ("bronze pin recovered from ditch fill", "MAT MAT O O FEAT O"),
    ("charcoal spread across hearth", "MAT O O FEAT"),
    ("roman tile fragments in pit", "PER MAT O O FEAT"),
]
PAD_LEN = 10


@dataclass
class Artefacts:
    vocab: dict
    tagset: dict
    rows: list


def build_and_version():
    words = sorted({w for note, _ in SHEETS for w in note.split()})
    save_json({w: i for i, w in enumerate(["[PAD]", "[UNK]"] + words)}, MANIFEST["vocab"])
    save_json({t: i for i, t in enumerate(sorted({t for _, tg in SHEETS for t in tg.split()}))},
              MANIFEST["tagset"])
    vocab, tagset = load_json(MANIFEST["vocab"]), load_json(MANIFEST["tagset"])
    rows = []
    for note, tags in SHEETS:
        ids = [vocab.get(w, 1) for w in note.split()]
        tg = [tagset[t] for t in tags.split()]
        fill = PAD_LEN - len(ids)
        rows.append({"ids": ids + [0] * fill, "keep": [1] * len(ids) + [0] * fill,
                     "tags": tg + [-100] * fill})
    save_json(rows, MANIFEST["encoded"])
    return Artefacts(load_json(MANIFEST["vocab"]), load_json(MANIFEST["tagset"]),
                     load_json(MANIFEST["encoded"]))


class SheetSet(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return {k: torch.tensor(v) for k, v in self.rows[i].items()}


class ContextTagger(L.LightningModule):
    def __init__(self, vocab_size, n_tags):
        super().__init__()
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                                            num_attention_heads=2, intermediate_size=64,
                                            max_position_embeddings=32), add_pooling_layer=False)
        self.tag_head = nn.Linear(32, n_tags)

    def forward(self, ids, keep):
        hidden = self.encoder(input_ids=ids, attention_mask=keep).last_hidden_state
        return self.tag_head(hidden)

    def training_step(self, batch, batch_idx):
        scores = self(batch["ids"], batch["keep"])
        loss = F.cross_entropy(scores.transpose(1, 2), batch["tags"], ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-3)


if __name__ == "__main__":
    art = build_and_version()
    print(f"versioned {len(art.rows)} sheets, {len(art.vocab)} words, tags={sorted(art.tagset)}")
    loader = DataLoader(SheetSet(art.rows), batch_size=3, shuffle=True)
    tagger = ContextTagger(len(art.vocab), len(art.tagset))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(tagger, loader)
    save_json({"epochs": trainer.current_epoch, "manifest": MANIFEST},
              os.path.join(WORKDIR, "run.json"))
    print("training finished, artefacts in", WORKDIR)
