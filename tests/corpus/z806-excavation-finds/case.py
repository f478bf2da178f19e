"""Date excavation small-finds from the register descriptions (period classifier).

Encoder: tiny BERT, pooled as [CLS] vector joined with the masked mean of the tokens.
Training through Lightning so it plugs into the site's other pipelines.
"""
import functools
import os
import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

PERIODS = ("bronze_age", "roman", "medieval")
REGISTER = [
    ("socketed axe head, green patina, loop on one side", "bronze_age"),
    ("fragment of samian ware with stamped potter's mark", "roman"),
    ("hobnails and a copper alloy brooch of bow type", "roman"),
    ("pewter pilgrim badge depicting a scallop shell", "medieval"),
    ("barbed and tanged flint arrowhead with cremated bone", "bronze_age"),
    ("glazed green jug handle with thumbed base", "medieval"),
    ("denarius worn, emperor bust facing right", "roman"),
    ("spur rowel iron, heavily corroded", "medieval"),
    ("collared urn rim sherd with cord impressions", "bronze_age"),
]


@dataclass(frozen=True)
class EncoderShape:
    hidden: int = 32
    layers: int = 1
    heads: int = 2
    ffn: int = 64
    max_positions: int = 64


@dataclass(frozen=True)
class Find:
    description: str
    period: str


class Featurizer:
    def __init__(self, tokenizer, periods):
        self.tokenizer = tokenizer
        self.period_id = {p: i for i, p in enumerate(periods)}

    def __call__(self, find: Find) -> dict:
        return {"text": find.description, "target": self.period_id[find.period]}

    def collate(self, rows):
        enc = self.tokenizer([r["text"] for r in rows], padding=True, return_tensors="pt")
        return {"tok": enc["input_ids"], "att": enc["attention_mask"],
                "target": torch.tensor([r["target"] for r in rows])}


class PeriodClassifier(L.LightningModule):
    def __init__(self, bert_cfg: BertConfig, n_periods: int, lr: float = 5e-4):
        super().__init__()
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(bert_cfg.hidden_size, n_periods)
        self.lr = lr

    def forward(self, tok, att):
        states = self.encoder(input_ids=tok, attention_mask=att).last_hidden_state
        weights = att.unsqueeze(-1).float()
        mean_vec = (states * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        pooled = torch.cat([states[:, 0], mean_vec], dim=-1)
        return self.head(self.dropout(pooled))

    def training_step(self, batch, batch_idx):
        logits = self(batch["tok"], batch["att"])
        loss = F.cross_entropy(logits, batch["target"])
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


class Workflow:
    def __init__(self, register, shape=EncoderShape()):
        self.finds = [Find(d, p) for d, p in register]
        self.shape = shape

    @functools.cached_property
    def tokenizer(self):
        words = sorted({w.strip(",'") for f in self.finds for w in f.description.split()})
        path = os.path.join(tempfile.mkdtemp(prefix="finds_"), "vocab.txt")
        with open(path, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ",", "'", "s"] + words))
        return BertTokenizer(path)

    @functools.cached_property
    def periods(self):
        return list(PERIODS)

    def data(self):
        self.featurizer = Featurizer(self.tokenizer, self.periods)
        rows = [self.featurizer(f) for f in self.finds]
        self.loader = DataLoader(rows, batch_size=3, shuffle=True, collate_fn=self.featurizer.collate)
        print(f"{len(rows)} finds, {len(self.periods)} periods")
        return self

    def model(self):
        s = self.shape
        cfg = BertConfig(vocab_size=len(self.tokenizer), hidden_size=s.hidden, num_hidden_layers=s.layers,
                         num_attention_heads=s.heads, intermediate_size=s.ffn,
                         max_position_embeddings=s.max_positions)
        self.module = PeriodClassifier(cfg, n_periods=len(self.periods))
        return self

    def fit(self):
        trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                            enable_checkpointing=False)
        trainer.fit(self.module, self.loader)
        print("finished, last loss:", float(trainer.callback_metrics.get("train_loss", float("nan"))))
        return self


if __name__ == "__main__":
    L.seed_everything(3)
    Workflow(REGISTER).data().model().fit()
