"""No-show risk for outpatient referrals: referral note text + appointment weekday.

Wiring goes through a tiny service container so the notebook version and the
scheduled job share the same providers.
"""
import logging
import os
import tempfile
from datetime import date

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("noshow")
L.seed_everything(7, verbose=False)

REFERRALS = [
    ("follow up dermatology lesion biopsy result", "2024-03-04", 0),
    ("new patient knee pain physio assessment", "2024-03-05", 1),
    ("diabetes review bring glucose diary", "2024-03-06", 0),
    ("repeat bloods and blood pressure check", "2024-03-07", 0),
    ("cardiology echo follow up after admission", "2024-03-08", 1),
    ("urgent rash review child fever", "2024-03-09", 1),
    ("routine asthma review inhaler technique", "2024-03-10", 0),
    ("physio knee follow up exercises", "2024-03-11", 1),
]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(
    {w for text, _, _ in REFERRALS for w in text.split()}
)


class Container:
    """Minimal DI container: register factories, resolve lazily as singletons."""

    def __init__(self):
        self._factories, self._instances = {}, {}

    def register(self, name, factory):
        self._factories[name] = factory

    def resolve(self, name):
        if name not in self._instances:
            self._instances[name] = self._factories[name](self)
        return self._instances[name]


def make_tokenizer(_c):
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(path)


def make_encoder(c):
    tok = c.resolve("tokenizer")
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    return BertModel(cfg)


def day_index(raw: str) -> int:
    return date.fromisoformat(raw).isoweekday()


def make_loader(c):
    tok = c.resolve("tokenizer")

    def collate(rows):
        enc = tok([r[0] for r in rows], padding=True, return_tensors="pt")
        enc["weekday"] = torch.tensor([day_index(r[1]) for r in rows])
        enc["attended"] = torch.tensor([r[2] for r in rows])
        return enc

    return DataLoader(REFERRALS, batch_size=4, shuffle=False, collate_fn=collate)


class NoShowModel(L.LightningModule):
    def __init__(self, encoder: BertModel, n_days: int = 7, day_dim: int = 8):
        super().__init__()
        self.encoder = encoder
        self.day_table = nn.Embedding(n_days, day_dim)
        self.head = nn.Linear(encoder.config.hidden_size + day_dim, 2)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, input_ids, attention_mask, token_type_ids, weekday):
        pooled = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).pooler_output
        return self.head(torch.cat([pooled, self.day_table(weekday)], dim=-1))

    def training_step(self, batch, batch_idx):
        target = batch.pop("attended")
        loss = self.loss_fn(self(**batch), target)
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=3e-4)


def build_container() -> Container:
    c = Container()
    c.register("tokenizer", make_tokenizer)
    c.register("encoder", make_encoder)
    c.register("loader", make_loader)
    c.register("model", lambda c: NoShowModel(c.resolve("encoder")))
    return c


def main():
    c = build_container()
    loader, model = c.resolve("loader"), c.resolve("model")
    log.info("vocab=%d referrals=%d", len(c.resolve("tokenizer")), len(REFERRALS))
    trainer = L.Trainer(max_epochs=2, accelerator="cpu", logger=False,
                        enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False)
    trainer.fit(model, loader)
    log.info("final loss %.4f", trainer.callback_metrics["train_loss"].item())


if __name__ == "__main__":
    main()
