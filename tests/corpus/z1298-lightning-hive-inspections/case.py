"""Hive inspection notes -> colony status, trained with Lightning on CPU."""
import re
import tempfile
from pathlib import Path
from types import SimpleNamespace

import lightning as L
import torch
import yaml
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

CONFIG_TEXT = """
common: &common
  seed: 5
  dropout: 0.1

data:
  <<: *common
  max_len: 32
  batch_size: 4
  statuses: [queenright, queenless, preparing_swarm]

model:
  <<: *common
  hidden_size: 32
  num_hidden_layers: 1
  num_attention_heads: 2
  intermediate_size: 64
  max_position_embeddings: ${data.max_len}

train:
  lr: 1.0e-3
  epochs: 1
"""

PLACEHOLDER = re.compile(r"^\$\{(?P<section>\w+)\.(?P<key>\w+)\}$")


def load_settings(text):
    raw = yaml.safe_load(text)

    def expand(value):
        if isinstance(value, dict):
            return {k: expand(v) for k, v in value.items()}
        if isinstance(value, str) and PLACEHOLDER.match(value):
            m = PLACEHOLDER.match(value)
            return raw[m["section"]][m["key"]]
        return value

    def wrap(value):
        if isinstance(value, dict):
            return SimpleNamespace(**{k: wrap(v) for k, v in value.items()})
        return value

    return wrap(expand(raw))


NOTES = [
    ("eggs and young larvae seen on three frames queen spotted calm bees", "queenright"),
    ("no eggs no young brood colony loud and agitated roaring when opened", "queenless"),
    ("several queen cells on bottom bars bees crowding the super", "preparing_swarm"),
    ("brood pattern solid and compact plenty of stores queen marked and seen "
     "on frame four laying well drone brood on outer frames pollen coming in "
     "strongly supers half drawn no sign of queen cells and temper calm throughout", "queenright"),
    ("laying workers suspected multiple eggs per cell drone brood in worker cells", "queenless"),
    ("capped queen cells found and half of colony clustered on front of hive", "preparing_swarm"),
    ("fresh eggs present new comb drawn on foundation", "queenright"),
    ("no queen seen emergency cells started on one frame", "queenless"),
]


class HiveNotes(L.LightningDataModule):
    def __init__(self, settings, workdir):
        super().__init__()
        self.settings = settings
        words = sorted({w for note, _ in NOTES for w in note.split()})
        vocab_file = Path(workdir) / "vocab.txt"
        vocab_file.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
        self.tokenizer = BertTokenizer(str(vocab_file))
        self.status_ids = {s: i for i, s in enumerate(settings.statuses)}

    def _collate(self, rows):
        texts = [note for note, _ in rows]
        enc = self.tokenizer(texts, padding="longest", return_tensors="pt")
        enc["status"] = torch.tensor([self.status_ids[s] for _, s in rows])
        return dict(enc)

    def train_dataloader(self):
        return DataLoader(NOTES, batch_size=self.settings.batch_size, shuffle=False,
                          collate_fn=self._collate)


class ColonyClassifier(L.LightningModule):
    def __init__(self, mcfg, num_statuses, vocab_size, lr):
        super().__init__()
        self.encoder = BertModel(BertConfig(
            vocab_size=vocab_size, hidden_size=mcfg.hidden_size,
            num_hidden_layers=mcfg.num_hidden_layers, num_attention_heads=mcfg.num_attention_heads,
            intermediate_size=mcfg.intermediate_size, hidden_dropout_prob=mcfg.dropout,
            max_position_embeddings=mcfg.max_position_embeddings))
        self.head = torch.nn.Linear(mcfg.hidden_size, num_statuses)
        self.lr = lr

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        return self.head(hidden[:, 0])

    def training_step(self, batch, batch_idx):
        target = batch.pop("status")
        logits = self(**batch)
        loss = torch.nn.functional.cross_entropy(logits, target)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    cfg = load_settings(CONFIG_TEXT)
    L.seed_everything(cfg.data.seed)
    dm = HiveNotes(cfg.data, tempfile.mkdtemp())
    print(f"vocab size {len(dm.tokenizer)}, statuses {cfg.data.statuses}")
    model = ColonyClassifier(cfg.model, len(cfg.data.statuses), len(dm.tokenizer), cfg.train.lr)
    trainer = L.Trainer(max_epochs=cfg.train.epochs, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(model, datamodule=dm)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
