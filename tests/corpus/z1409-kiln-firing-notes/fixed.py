"""Multi-label tagging of studio kiln firing notes with the glaze/body defects seen on unloading."""
import enum
import logging
import os
import tempfile
import warnings
from enum import auto
from typing import NamedTuple, TypedDict

import lightning as L
import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

warnings.filterwarnings("ignore")
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
log = logging.getLogger("kiln")


class Defect(enum.Enum):
    CRAZING = auto()
    BLOATING = auto()
    DUNTING = auto()
    SHIVERING = auto()
    PINHOLING = auto()


# per-defect cutoffs from the calibration firing log
TUNED_CUTOFFS = {
    Defect.CRAZING: 0.45,
    Defect.BLOATING: 0.55,
    Defect.DUNTING: 0.50,
    Defect.SHIVERING: 0.60,
}


class RunSettings(NamedTuple):
    hidden: int = 32
    lr: float = 2e-3
    batch_size: int = 4
    fallback_cutoff: float = 0.5


class FiringNote(TypedDict):
    text: str
    defects: list[str]


NOTES: list[FiringNote] = [
    {"text": "fine crackle network over the celadon after cone ten", "defects": ["CRAZING"]},
    {"text": "blisters in the stoneware body from overfiring", "defects": ["BLOATING"]},
    {"text": "platter cracked in cooling near the quartz inversion", "defects": ["DUNTING"]},
    {"text": "glaze flaking off the rim edges", "defects": ["SHIVERING"]},
    {"text": "tiny pinholes across the shino and some crackle", "defects": ["PINHOLING", "CRAZING"]},
    {"text": "cooling crack plus blisters on the foot ring", "defects": ["DUNTING", "BLOATING"]},
    {"text": "clean firing no faults on the bowls", "defects": []},
    {"text": "pinholes on the tenmoku where the bisque was dusty", "defects": ["PINHOLING"]},
]


def write_vocab(texts) -> str:
    words = sorted({w for t in texts for w in t.lower().split()})
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def multi_hot(names: list[str]) -> torch.Tensor:
    row = torch.zeros(len(Defect))
    for name in names:
        row[Defect[name].value - 1] = 1.0
    return row


def make_collate(tokenizer):
    def collate(items: list[FiringNote]):
        enc = tokenizer([it["text"] for it in items], padding=True, return_tensors="pt")
        enc["targets"] = torch.stack([multi_hot(it["defects"]) for it in items])
        return dict(enc)
    return collate


class DefectTagger(L.LightningModule):
    def __init__(self, vocab_size: int, cfg: RunSettings):
        super().__init__()
        self.cfg = cfg
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(bert_cfg)
        self.head = nn.Linear(cfg.hidden, len(Defect))
        self.loss_fn = nn.BCEWithLogitsLoss()
        self.register_buffer("cutoffs", torch.tensor([TUNED_CUTOFFS.get(d, cfg.fallback_cutoff)
                                                      for d in Defect]))

    def forward(self, input_ids, attention_mask, token_type_ids):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                           token_type_ids=token_type_ids)
        return self.head(out.pooler_output)

    def _step(self, batch):
        targets = batch.pop("targets")
        logits = self(**batch)
        return logits, targets, self.loss_fn(logits, targets)

    def training_step(self, batch, batch_idx):
        _, _, loss = self._step(batch)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        logits, targets, loss = self._step(batch)
        probs = torch.sigmoid(logits)
        hits = (probs >= self.cutoffs).float()
        tp = (hits * targets).sum()
        f1 = 2 * tp / (hits.sum() + targets.sum()).clamp(min=1)
        any_fault = probs.max(dim=-1).values >= self.cfg.fallback_cutoff
        self.log_dict({"val_loss": loss, "val_f1": f1, "val_any": any_fault.float().mean()})

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.cfg.lr)


def main():
    L.seed_everything(7, verbose=False)
    cfg = RunSettings()
    tokenizer = BertTokenizer(write_vocab(n["text"] for n in NOTES))
    collate = make_collate(tokenizer)
    train_dl = DataLoader(NOTES[:6], batch_size=cfg.batch_size, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(NOTES[6:], batch_size=cfg.batch_size, collate_fn=collate)
    log.info("defects: %s", ", ".join(d.name for d in Defect))

    model = DefectTagger(tokenizer.vocab_size, cfg)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, train_dl, val_dl)
    log.info("final metrics: %s", {k: round(v.item(), 4) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
