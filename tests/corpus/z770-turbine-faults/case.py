"""Wind-turbine fault triage from technician notes + SCADA alarm trail.

Lightning version of the notebook. Small random BERT, CPU only, one epoch,
just to check the data plumbing end to end.
"""
import csv
import io
import os
import tempfile
from types import SimpleNamespace

import torch
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(7, verbose=False)

cfg = SimpleNamespace(max_positions=48, hidden=32, batch_size=4, lr=1e-3)

FAULT_CSV = """fault,owner
pitch,rotor team
yaw,nacelle team
converter,electrical team
gearbox,drivetrain team
"""

# (technician note, alarm codes pulled from SCADA for the 24h before the ticket, fault)
TICKETS = [
    ("blade two pitch motor overheating", "PT101 PT101 PT204", "pitch"),
    ("yaw drive noisy when tracking wind", "YW310", "yaw"),
    ("converter tripped on grid fault ride through", "CV500 CV512 GR002", "converter"),
    ("gearbox oil temperature rising under load", "GB710 GB711", "gearbox"),
    ("pitch battery test failed during commissioning check", "PT330", "pitch"),
    ("yaw brake pads worn nacelle drifting", "YW301 YW302 YW301", "yaw"),
    ("igbt module fault in converter cabinet", " ".join(["CV512", "CV500", "CV513"] * 16), "converter"),
    ("gearbox bearing vibration above threshold", " ".join(["GB720", "VB101", "GB721", "VB102"] * 12), "gearbox"),
]


def load_faults(text):
    """Fault classes in the order used by the model head."""
    return [row["fault"] for row in csv.DictReader(io.StringIO(text))]


def ticket_text(note, alarms):
    """What the model sees: the note followed by the alarm trail."""
    return f"{note} alarms {alarms.lower()}"


def build_tokenizer(texts):
    """Word-level vocab from the ticket texts."""
    vocab = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    return BertTokenizer(path)


class TicketCollator:
    """Turns (text, class_id) pairs into model-ready tensors."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, pairs):
        texts, ys = zip(*pairs)
        enc = self.tokenizer(list(texts), padding=True, return_tensors="pt")
        enc["labels"] = torch.tensor(ys)
        return dict(enc)


class FaultClassifier(L.LightningModule):
    def __init__(self, vocab_size, n_classes):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=64,
                              max_position_embeddings=cfg.max_positions, num_labels=n_classes)
        self.net = BertForSequenceClassification(bert_cfg)
        self.step_losses = []

    def training_step(self, batch, batch_idx):
        loss = self.net(**batch).loss
        self.step_losses.append(loss.item())
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=cfg.lr)


faults = load_faults(FAULT_CSV)
fault_id = {f: i for i, f in enumerate(faults)}
texts = [ticket_text(n, a) for n, a, _ in TICKETS]
tokenizer = build_tokenizer(texts)
pairs = [(t, fault_id[f]) for t, (_, _, f) in zip(texts, TICKETS)]
print(f"{len(pairs)} tickets, longest text has {max(len(t.split()) for t in texts)} words")

loader = DataLoader(pairs, batch_size=cfg.batch_size, shuffle=True, collate_fn=TicketCollator(tokenizer))
module = FaultClassifier(len(tokenizer), len(faults))
trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                    enable_checkpointing=False)
trainer.fit(module, loader)

print(f"{'step':>4} | {'loss':>7}")
print("-" * 14)
for i, loss in enumerate(module.step_losses):
    print(f"{i:>4} | {loss:>7.4f}")
