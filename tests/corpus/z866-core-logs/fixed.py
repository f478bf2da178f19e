"""Classify drill-core log descriptions into lithology classes with a tiny BERT in Lightning."""
import os
import tempfile
from dataclasses import dataclass, field

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

LOGS = {
    "sandstone": ["fine grained quartz arenite , well sorted , cross bedded",
                  "medium grained sand , subrounded grains , calcite cement",
                  "red sand with ripple marks and iron staining"],
    "shale": ["dark grey fissile mudrock , plant fragments on partings",
              "laminated black mud , pyrite nodules , strong odour",
              "soft grey clay rich laminae , breaks along bedding"],
    "limestone": ["bioclastic grainstone with crinoid ossicles",
                  "micritic mud , fizzes strongly with acid , stylolites",
                  "oolitic grainstone , cross bedded , shell debris"],
}


@dataclass
class CoreConfig:
    hidden: int = 32
    heads: int = 2
    layers: int = 1
    max_len: int = 24
    lr: float = 1e-3
    classes: list = field(default_factory=lambda: sorted(LOGS))


def tokenizer_for(texts, specials=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")):
    words = sorted({w for t in texts for w in t.split()})
    with open(p := os.path.join(tempfile.mkdtemp(), "vocab.txt"), "w") as fh:
        fh.write("\n".join([*specials, *words]))
    return BertTokenizer(p)


class CoreClassifier(L.LightningModule):
    def __init__(self, cfg: CoreConfig, vocab_size: int):
        super().__init__()
        self.cfg = cfg
        self.encoder = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden,
                                            num_hidden_layers=cfg.layers, num_attention_heads=cfg.heads,
                                            intermediate_size=cfg.hidden * 2, max_position_embeddings=64))
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(2 * self.encoder.config.hidden_size, len(cfg.classes))

    def pooled(self, *a, **kw):
        hs, am = (h := self.encoder(*a, **kw).last_hidden_state), kw["attention_mask"].unsqueeze(-1).to(h.dtype)
        return torch.cat([hs[:, 0], (hs * am).sum(1) / am.sum(1).clamp(min=1)], dim=-1)

    def forward(self, **batch):
        return self.head(self.drop(self.pooled(**{k: v for k, v in batch.items() if k != "target"})))

    def training_step(self, batch, _idx):
        loss = nn.functional.cross_entropy(self(**batch), batch["target"])
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.cfg.lr)


def make_loader(tok, cfg, **dl_kw):
    rows = [(t, cfg.classes.index(k)) for k, ts in LOGS.items() for t in ts]
    collate = lambda chunk: {**tok([t for t, _ in chunk], padding=True, truncation=True,
                                   max_length=cfg.max_len, return_tensors="pt"),
                             "target": torch.tensor([y for _, y in chunk])}
    return DataLoader(rows, collate_fn=collate, **dl_kw)


if __name__ == "__main__":
    cfg = CoreConfig()
    tok = tokenizer_for(t for ts in LOGS.values() for t in ts)
    print(f"classes={cfg.classes} vocab={len(tok)}")
    model = CoreClassifier(cfg, len(tok))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, log_every_n_steps=1)
    trainer.fit(model, make_loader(tok, cfg, batch_size=3, shuffle=True))
    print("final loss:", float(trainer.callback_metrics["train_loss"]))
