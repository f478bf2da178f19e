"""Railway signalling fault reports -> fault category, with a Lightning module
around a tiny BERT, followed by temperature scaling so the on-call dashboard
shows calibrated confidences."""
import os
import random
import tempfile

import lightning as L
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(3, verbose=False)

CATEGORIES = ["track_circuit", "point_machine", "signal_lamp", "axle_counter", "power_supply"]
TEMPLATES = {
    "track_circuit": ["track circuit showing occupied no train present", "tc failed after heavy rain"],
    "point_machine": ["points failed to detect normal", "point motor stalling mid stroke"],
    "signal_lamp": ["red aspect lamp proven out", "signal dark filament failure"],
    "axle_counter": ["axle counter section disturbed reset needed", "counter head miscount"],
    "power_supply": ["loss of 650v feeder to location case", "ups alarm at relay room"],
}
SITES = ["up main", "down relief", "junction north", "yard throat", "platform 3", "loop line"]


def make_reports():
    rows = []
    for cat, phrases in TEMPLATES.items():
        for site in SITES:
            rows.append((f"{random.choice(phrases)} at {site}", CATEGORIES.index(cat)))
    random.shuffle(rows)
    return rows


class FaultReports(L.LightningDataModule):
    def __init__(self, tokenizer, batch_size=8, val_fraction=0.25):
        super().__init__()
        self.tok = tokenizer
        self.batch_size = batch_size
        rows = make_reports()
        n_val = int(len(rows) * val_fraction)
        self.splits = {"val": rows[:n_val], "train": rows[n_val:]}

    def targets(self, split="train"):
        return torch.tensor([y for _, y in self.splits[split]])

    def _collate(self, rows):
        enc = self.tok([t for t, _ in rows], padding=True, truncation=True, max_length=24,
                       return_tensors="pt")
        enc["labels"] = torch.tensor([y for _, y in rows])
        return dict(enc)

    def train_dataloader(self):
        return DataLoader(self.splits["train"], batch_size=self.batch_size, shuffle=True,
                          collate_fn=self._collate)

    def val_dataloader(self):
        return DataLoader(self.splits["val"], batch_size=self.batch_size, collate_fn=self._collate)


class FaultClassifier(L.LightningModule):
    def __init__(self, vocab_size, lr=5e-3):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=32, num_labels=len(CATEGORIES))
        self.bert = BertForSequenceClassification(cfg)
        self.lr = lr

    def training_step(self, batch, _):
        out = self.bert(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def validation_step(self, batch, _):
        self.log("val_loss", self.bert(**batch).loss, prog_bar=True)

    def predict_step(self, batch, _):
        batch = {k: v for k, v in batch.items() if k != "labels"}
        return self.bert(**batch).logits

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def fit_temperature(logits, gold, steps=50):
    log_t = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=steps)

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(logits / log_t.exp(), gold)
        loss.backward()
        return loss

    opt.step(closure)
    return log_t.exp().item()


def main():
    workdir = tempfile.mkdtemp(prefix="signals_")
    words = sorted({w for ps in TEMPLATES.values() for p in ps for w in p.split()}
                   | {w for s in SITES for w in s.split()} | {"at"})
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(workdir, "vocab.txt"))

    dm = FaultReports(tok)
    model = FaultClassifier(tok.vocab_size)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False,
                        default_root_dir=workdir)
    trainer.fit(model, datamodule=dm)
    print("val_loss after fit:", round(trainer.callback_metrics["val_loss"].item(), 4))

    val_logits = torch.cat(trainer.predict(model, dataloaders=dm.val_dataloader()))
    calib_gold = dm.targets()
    temperature = fit_temperature(val_logits.detach(), calib_gold)
    probs = F.softmax(val_logits / temperature, dim=-1)
    print(f"temperature={temperature:.3f} mean max-prob={probs.max(-1).values.mean():.3f}")


if __name__ == "__main__":
    main()
