"""River gauge maintenance triage: field-ticket text + logger telemetry -> action.

The ticket notes are encoded with a small BERT, the logger readings that came
with each ticket are standardised and concatenated to the [CLS] vector.
"""
import csv
import json
import os
import re
import tempfile

import lightning as L
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

FEATURES = ["battery_mv", "signal_dbm", "days_since_visit", "turbidity_ntu"]

TICKETS = {
    "train": [
        ("battery low alarm and logger rebooting overnight", "replace_battery"),
        ("readings drifting after flood silt on the probe", "clean_sensor"),
        ("routine visit all readings nominal", "no_action"),
        ("bank erosion has undercut the gauge mast", "relocate"),
        ("voltage sagging each night and missed uploads", "replace_battery"),
        ("algae growth on the pressure probe window", "clean_sensor"),
        ("site tidy and telemetry uploads on time", "no_action"),
        ("channel has migrated away from the stilling well", "relocate"),
    ],
    "dev": [
        ("logger rebooting and battery alarm again", "replace_battery"),
        ("silt on the probe after the flood", "clean_sensor"),
        ("readings nominal on routine visit", "no_action"),
    ],
}
# logger readings attached to each ticket, one row per ticket
SENSORS = {
    "train": (["ticket_id", "station_id", "logger_fw", "battery_mv", "signal_dbm",
               "days_since_visit", "turbidity_ntu"],
              [[1, 40, 7, 11200, -97, 60, 12], [2, 41, 7, 12600, -85, 30, 240],
               [3, 42, 8, 12700, -80, 90, 15], [4, 43, 7, 12500, -101, 120, 30],
               [5, 40, 8, 11500, -95, 45, 10], [6, 44, 7, 12650, -83, 20, 180],
               [7, 45, 8, 12720, -79, 75, 8], [8, 46, 7, 12580, -104, 200, 25]]),
    "dev": (["ticket_id", "battery_mv", "signal_dbm", "days_since_visit", "turbidity_ntu"],
            [[101, 11300, -96, 50, 14], [102, 12610, -84, 25, 210], [103, 12690, -81, 80, 11]]),
}


def write_exports(root):
    for split, rows in TICKETS.items():
        with open(os.path.join(root, f"tickets_{split}.jsonl"), "w") as fh:
            for note, action in rows:
                fh.write(json.dumps({"note": note, "action": action}) + "\n")
        header, values = SENSORS[split]
        with open(os.path.join(root, f"telemetry_{split}.csv"), "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(values)
    words = sorted({w for rows in TICKETS.values() for n, _ in rows for w in re.findall(r"\w+", n)})
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")


def read_telemetry(path):
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh)
        grid = [[int(v) for v in row.values()] for row in reader]
        return reader.fieldnames, torch.tensor(grid, dtype=torch.float)


class GaugeData(L.LightningDataModule):
    def __init__(self, root, tokenizer):
        super().__init__()
        self.root, self.tok = root, tokenizer

    def _tickets(self, split):
        with open(os.path.join(self.root, f"tickets_{split}.jsonl")) as fh:
            return [json.loads(line) for line in fh]

    def setup(self, stage=None):
        train_t, dev_t = self._tickets("train"), self._tickets("dev")
        self.actions = sorted(set(t["action"] for t in train_t))
        act2id = {a: i for i, a in enumerate(self.actions)}

        header, train_grid = read_telemetry(os.path.join(self.root, "telemetry_train.csv"))
        _, dev_grid = read_telemetry(os.path.join(self.root, "telemetry_dev.csv"))
        self.feature_cols = [header.index(name) for name in FEATURES]
        train_x = train_grid[:, self.feature_cols]
        dev_x = dev_grid[:, self.feature_cols]
        mu, sd = train_x.mean(0), train_x.std(0)

        def build(tickets, feats):
            enc = self.tok([t["note"] for t in tickets], padding="max_length",
                           max_length=16, truncation=True, return_tensors="pt")
            y = torch.tensor([act2id[t["action"]] for t in tickets])
            return TensorDataset(enc["input_ids"], enc["attention_mask"], (feats - mu) / sd, y)

        self.train_ds, self.dev_ds = build(train_t, train_x), build(dev_t, dev_x)

    def train_dataloader(self):
        return DataLoader(self.train_ds, batch_size=4, shuffle=True)

    def val_dataloader(self):
        return DataLoader(self.dev_ds, batch_size=4)


class TriageModel(L.LightningModule):
    def __init__(self, vocab_size, n_features, n_actions):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size + n_features, n_actions)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, ids, attn, feats):
        cls = self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state[:, 0]
        return self.head(torch.cat([cls, feats], dim=-1))

    def training_step(self, batch, _):
        ids, attn, feats, y = batch
        loss = self.loss_fn(self(ids, attn, feats), y)
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def validation_step(self, batch, _):
        ids, attn, feats, y = batch
        acc = (self(ids, attn, feats).argmax(-1) == y).float().mean()
        self.log("val_acc", acc)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=3e-4)


def main():
    root = tempfile.mkdtemp(prefix="gauges_")
    write_exports(root)
    tok = BertTokenizer(os.path.join(root, "vocab.txt"))
    data = GaugeData(root, tok)
    model = TriageModel(tok.vocab_size, len(FEATURES), n_actions=4)
    trainer = L.Trainer(max_epochs=3, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, datamodule=data)
    print("final metrics:", {k: round(float(v), 3) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
