"""Avalanche field observations -> regional danger level (low / considerable / high).

Quick Lightning run on the patrol notes export, tiny random-init BERT just to get
the data pipeline and training loop sorted before the real pretraining run.
"""
import os
import random
import tempfile
from dataclasses import dataclass
from functools import partial

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

try:
    import lightning as L
except ImportError:
    import pytorch_lightning as L

random.seed(11)
torch.manual_seed(11)

BASE = [
    ("settled snowpack no recent avalanches light winds", 0),
    ("shooting cracks on test slope whumpfing heard twice near ridge", 1),
    ("natural slab release size three on north aspect wind loading ongoing", 2),
    ("surface hoar buried under new snow compression test easy result", 1),
    ("crust on all aspects stable column test no propagation", 0),
    ("heavy snowfall overnight cornices failing widespread natural activity", 2),
]
# the long patrol write-ups: base remark plus the full snowpit log
PIT_LOG = ("pit dug at treeline depth one hundred forty layers from top new snow "
           "then wind slab then buried surface hoar then facets then crust then depth hoar "
           "shear quality planar on the hoar layer extended column test propagated")
NOTES = BASE + [(t + " " + PIT_LOG, y) for t, y in BASE[:3]]


@dataclass
class RunCfg:
    max_len: int = 40
    batch_size: int = 3
    lr: float = 3e-4
    n_classes: int = 3


cfg = RunCfg()

words = sorted({w for t, _ in NOTES for w in t.split()})
vdir = tempfile.mkdtemp()
with open(os.path.join(vdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tok = BertTokenizer(os.path.join(vdir, "vocab.txt"))
tok.model_max_length = cfg.max_len

# how much of the notes survive truncation at this length?
x = [t for t, _ in NOTES]
x = [len(tok(t)["input_ids"]) for t in x]
print("token lengths", x)
cut = sum(n > cfg.max_len for n in x)
print(f"{cut}/{len(x)} notes longer than {cfg.max_len}")
if cut:
    # the pit logs carry the signal, don't throw them away
    cfg.max_len = max(x)
    tok.model_max_length = cfg.max_len
    print("max_len now", cfg.max_len)

bert_cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                      intermediate_size=64, max_position_embeddings=cfg.max_len, num_labels=cfg.n_classes)


def collate(rows, tokenizer):
    texts, ys = zip(*rows)
    enc = tokenizer(list(texts), padding=True, truncation=True, return_tensors="pt")
    enc["labels"] = torch.tensor(ys)
    return dict(enc)


class DangerModule(L.LightningModule):
    def __init__(self, bcfg, lr):
        super().__init__()
        self.net = BertForSequenceClassification(bcfg)
        self.lr = lr

    def training_step(self, batch, batch_idx):
        y = batch.pop("labels")
        out = self.net(**batch)
        loss = F.cross_entropy(out.logits, y)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


model = DangerModule(bert_cfg, cfg.lr)
loader = DataLoader(NOTES, batch_size=cfg.batch_size, shuffle=True,
                    collate_fn=partial(collate, tokenizer=tok))
first = next(iter(loader))
assert first["input_ids"].shape == first["attention_mask"].shape
print("batch shapes", {k: tuple(v.shape) for k, v in first.items()})

trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                    enable_checkpointing=False)
trainer.fit(model, loader)
print("final loss", float(trainer.callback_metrics["train_loss"]))
