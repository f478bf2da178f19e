"""Aircraft maintenance squawk triage (ATA chapter routing) with PyTorch Lightning.

Run 1 trains on short cockpit squawks and checkpoints.  Run 2 resumes from the
checkpoint and fine-tunes on the hangar's detailed shop notes.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(21, verbose=False)

CHAPTERS = ["avionics", "hydraulics", "landing_gear"]
SQUAWKS = [
    ("nav display flickers on approach", "avionics"),
    ("hydraulic pressure low on system b", "hydraulics"),
    ("nose gear shimmy on taxi", "landing_gear"),
    ("autopilot disconnects in climb", "avionics"),
    ("leak at hydraulic pump case drain", "hydraulics"),
    ("main gear door slow to close", "landing_gear"),
]
SHOP_NOTES = [
    ("found intermittent fault on nav display connector pins bent and corroded replaced connector "
     "ran system test on ground power all indications normal display no longer flickers on approach "
     "checked wiring harness chafe at frame no damage found ops check good", "avionics"),
    ("hydraulic pressure low traced to pump case drain leak removed pump installed new pump and "
     "filter element bled system b checked reservoir level ran engines pressure normal no leaks "
     "found on leak check after thirty minutes ops check good", "hydraulics"),
    ("nose gear shimmy damper found low on fluid serviced damper inspected torque links for play "
     "replaced worn bushing on upper link taxi test performed no shimmy noted tire pressures "
     "checked and adjusted ops check good", "landing_gear"),
    ("autopilot disconnect reproduced on ground test replaced servo on pitch channel ran "
     "autopilot self test and flight control checks all normal", "avionics"),
]


@dataclass
class TriageHParams:
    lr: float = 1e-3
    batch_size: int = 2


class SquawkClassifier(L.LightningModule):
    def __init__(self, net, hp: TriageHParams):
        super().__init__()
        self.net = net
        self.hp = hp

    def training_step(self, batch, batch_idx):
        out = self.net(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def validation_step(self, batch, batch_idx):
        out = self.net(**batch)
        acc = (out.logits.argmax(-1) == batch["labels"]).float().mean()
        self.log("val_acc", acc)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hp.lr)


def encode_batch(examples, tok):
    texts = [t for t, _ in examples]
    feats = tok(texts, padding="longest", truncation=True, return_tensors="pt")
    feats["labels"] = torch.tensor([CHAPTERS.index(c) for _, c in examples])
    return dict(feats)


def make_loader(examples, tok, hp, shuffle):
    return DataLoader(examples, batch_size=hp.batch_size, shuffle=shuffle,
                      collate_fn=lambda rows: encode_batch(rows, tok))


def new_trainer():
    return L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                     enable_checkpointing=False, enable_model_summary=False)


tmp = tempfile.mkdtemp(prefix="squawk_")
tokens = sorted({w for text, _ in SQUAWKS + SHOP_NOTES for w in text.split()})
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + tokens
vpath = os.path.join(tmp, "vocab.txt")
with open(vpath, "w") as fh:
    fh.write("\n".join(vocab) + "\n")
tok = BertTokenizer(vpath)
hp = TriageHParams()

bert_cfg = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                      intermediate_size=64, max_position_embeddings=24, num_labels=len(CHAPTERS))
module = SquawkClassifier(BertForSequenceClassification(bert_cfg), hp)
new_trainer().fit(module, make_loader(SQUAWKS, tok, hp, shuffle=True))

ckpt_path = os.path.join(tmp, "squawk_triage.pt")
torch.save({"model": module.net.state_dict(), "config": bert_cfg.to_dict(), "vocab": vocab,
            "labels": CHAPTERS, "epoch": 1}, ckpt_path)
print("checkpoint written:", ckpt_path)
del module

# ---------------- resumed run ----------------
ckpt = torch.load(ckpt_path, weights_only=False)
cfg = BertConfig.from_dict({**ckpt["config"], "classifier_dropout": 0.2})
net = BertForSequenceClassification(cfg)
res = net.load_state_dict(ckpt["model"], strict=False)
print(f"resumed after epoch {ckpt['epoch']}, missing keys: {res.missing_keys}")
vpath = os.path.join(tmp, "vocab_resumed.txt")
with open(vpath, "w") as fh:
    fh.write("\n".join(ckpt["vocab"]) + "\n")
tok = BertTokenizer(vpath, model_max_length=cfg.max_position_embeddings)

resumed = SquawkClassifier(net, TriageHParams(lr=3e-4))
trainer = new_trainer()
trainer.fit(resumed, make_loader(SHOP_NOTES, tok, resumed.hp, shuffle=True),
            make_loader(SHOP_NOTES, tok, resumed.hp, shuffle=False))
print("validation:", trainer.callback_metrics.get("val_acc"))
