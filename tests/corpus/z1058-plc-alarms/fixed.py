"""Severity model for PLC alarm text from a water-treatment SCADA historian.

Preprocessing (vocab + encodings) is cached to disk so the Lightning stage can be
re-run without re-tokenizing the historian export.
"""
import functools
import json
import os
import re
import tempfile

import lightning as L
import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(3, verbose=False)

SEVERITY = {"info": 0, "warning": 1, "critical": 2}

ALARMS = [
    ("FIT-101 flow=12.4m3/h below setpoint (15.0), pump P-2 running", "warning"),
    ("CL2 residual 0.18mg/L < low-low limit 0.20mg/L; dosing pump DP-1 fault", "critical"),
    ("Backwash sequence BW-3 complete, filter F-3 returned to service", "info"),
    ("LIT-204 tank level 96.5% > high alarm 95.0%, inlet valve XV-12 open", "critical"),
    ("Turbidity AIT-310 0.42NTU, trend rising (0.31 -> 0.42) over 15min", "warning"),
    ("Operator ack: alarm ALM-0457 acknowledged by shift B", "info"),
    ("VFD-5 overcurrent trip, motor M-5 stopped; standby M-6 auto-start", "critical"),
    ("pH AIT-120 7.9 within band [6.5, 8.5], no action", "info"),
]

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def scratch_vocab(workdir):
    # cheap closed vocab: same split as BERT's basic tokenizer (words + single punctuation marks)
    pieces = sorted({p for text, _ in ALARMS for p in re.findall(r"\w+|[^\w\s]", text.lower())})
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(SPECIAL + pieces) + "\n")
    return vocab_path


def preprocess(workdir):
    tok = BertTokenizer(scratch_vocab(workdir))
    texts = [t for t, _ in ALARMS]
    enc = tok(texts, padding=True, return_tensors="pt")
    torch.save({"ids": enc["input_ids"], "attn": enc["attention_mask"]},
               os.path.join(workdir, "alarm_enc.pt"))
    with open(os.path.join(workdir, "severity.json"), "w") as fh:
        json.dump([SEVERITY[s] for _, s in ALARMS], fh)

    meta = {
        "n_alarms": len(texts),
        "vocab_size": len(tok.vocab),
        "longest_alarm": max(len(tok.tokenize(t)) for t in texts),
    }
    with open(os.path.join(workdir, "meta.json"), "w") as fh:
        json.dump(meta, fh)
    print("preprocess:", meta)


@functools.lru_cache(maxsize=None)
def cached_meta(workdir):
    with open(os.path.join(workdir, "meta.json")) as fh:
        return json.load(fh)


@functools.lru_cache(maxsize=None)
def cached_dataset(workdir):
    blob = torch.load(os.path.join(workdir, "alarm_enc.pt"))
    with open(os.path.join(workdir, "severity.json")) as fh:
        sev = torch.tensor(json.load(fh))
    return TensorDataset(blob["ids"], blob["attn"], sev)


class AlarmSeverity(L.LightningModule):
    def __init__(self, vocab_size, max_positions, lr=2e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=max_positions, num_labels=len(SEVERITY))
        self.net = BertForSequenceClassification(cfg)

    def training_step(self, batch, batch_idx):
        ids, attn, sev = batch
        out = self.net(input_ids=ids, attention_mask=attn, labels=sev)
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    workdir = tempfile.mkdtemp(prefix="scada_")
    preprocess(workdir)

    meta = cached_meta(workdir)
    # +2 for [CLS] / [SEP]
    module = AlarmSeverity(meta["vocab_size"], max_positions=meta["longest_alarm"] + 2)
    loader = DataLoader(cached_dataset(workdir), batch_size=4, shuffle=True)

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False)
    trainer.fit(module, loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
