"""Hazard level tagging for wet-lab protocol steps (0=routine, 1=PPE, 2=fume hood).

Small Lightning module; hyperparameters live in the Tracker so the safety
team can diff runs.
"""
import os
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

try:
    import lightning as L
except ImportError:
    import pytorch_lightning as L

L.seed_everything(3, verbose=False)

PROTOCOL_STEPS = [
    ("label the tubes and place them in the rack", 0),
    ("wear nitrile gloves when handling the ethidium bromide gel", 1),
    ("open the phenol chloroform bottle only inside the fume hood", 2),
    ("vortex the sample for ten seconds", 0),
    ("add concentrated hydrochloric acid dropwise inside the fume hood with the sash lowered", 2),
    ("wear goggles and a lab coat when pouring liquid nitrogen into the dewar", 1),
    ("record the plate layout in the notebook", 0),
    ("thaw the competent cells on ice then add two microlitres of plasmid and mix gently by "
     "flicking the tube do not pipette up and down keep the tube on ice for thirty minutes then "
     "heat shock at forty two degrees for exactly forty five seconds return the tube to ice for two "
     "minutes add nine hundred microlitres of warm recovery medium and shake at thirty seven degrees "
     "for one hour then spread one hundred microlitres on a warm selection plate and incubate the "
     "plate upside down overnight at thirty seven degrees and wear gloves when handling the plates", 1),
]


class Tracker:
    def __init__(self):
        self.params = {}
        self.metrics = {}

    def log_params(self, **kw):
        self.params.update(kw)

    def get(self, key):
        return self.params[key]

    def log_metric(self, name, value, step):
        self.metrics.setdefault(name, []).append((step, value))


class TrackerCallback(L.Callback):
    def __init__(self, tracker):
        self.tracker = tracker

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        self.tracker.log_metric("train_loss", float(outputs["loss"]), trainer.global_step)


@dataclass
class StepBatch:
    token_ids: torch.Tensor
    attn: torch.Tensor
    segments: torch.Tensor
    hazard: torch.Tensor


def make_vocab(folder):
    words = sorted({w for text, _ in PROTOCOL_STEPS for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode_steps(rows, tokenizer):
    texts = [t for t, _ in rows]
    enc = tokenizer(texts, padding="longest", return_tensors="pt")
    return StepBatch(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"],
                     torch.tensor([h for _, h in rows]))


class HazardTagger(L.LightningModule):
    def __init__(self, tracker):
        super().__init__()
        p = tracker.params
        cfg = BertConfig(vocab_size=p["vocab_size"], hidden_size=p["hidden"], num_hidden_layers=p["layers"],
                         num_attention_heads=p["heads"], intermediate_size=p["ffn"],
                         max_position_embeddings=p["max_positions"], num_labels=p["n_hazard"])
        self.bert = BertForSequenceClassification(cfg)
        self.lr = p["lr"]

    def training_step(self, batch, batch_idx):
        out = self.bert(input_ids=batch.token_ids, attention_mask=batch.attn,
                        token_type_ids=batch.segments, labels=batch.hazard)
        return {"loss": out.loss}

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    tracker = Tracker()
    tokenizer = BertTokenizer(make_vocab(tempfile.mkdtemp()))
    tracker.log_params(vocab_size=tokenizer.vocab_size, hidden=32, layers=1, heads=2, ffn=64,
                       max_positions=64, n_hazard=3, lr=2e-4, batch_size=4)
    print("run params:", tracker.params)

    loader = DataLoader(PROTOCOL_STEPS, batch_size=tracker.get("batch_size"), shuffle=False,
                        collate_fn=lambda rows: encode_steps(rows, tokenizer))
    module = HazardTagger(tracker)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False, enable_model_summary=False,
                        callbacks=[TrackerCallback(tracker)])
    trainer.fit(module, loader)
    print("losses:", [round(v, 4) for _, v in tracker.metrics["train_loss"]])


if __name__ == "__main__":
    main()
