"""Multi-label ATA-system tagging of aircraft maintenance log entries (Lightning + tiny BERT)."""
import os
import tempfile
import warnings
from functools import partial

import torch
import torch.nn as nn
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

warnings.filterwarnings("ignore")

SYSTEMS = ["hydraulics", "avionics", "landing_gear", "engine", "cabin", "fuel"]


def env_int(name, default):
    return int(os.environ.get(name, str(default)))


def env_list(name, default=""):
    return [float(x) for x in os.environ.get(name, default).split(",") if x.strip()]


def configure():
    os.environ.setdefault("TAG_THRESHOLDS", "0.5,0.45,0.5,0.4,0.55,0.35")
    os.environ.setdefault("MAX_LEN", "40")
    os.environ.setdefault("BATCH_SIZE", "4")
    os.environ.setdefault("EPOCHS", "2")


ENTRIES = [
    ("hydraulic pressure low on system b after gear retraction", ["hydraulics", "landing_gear"]),
    ("autopilot disconnect and pfd flicker on approach", ["avionics"]),
    ("nose gear steering shimmy during taxi", ["landing_gear"]),
    ("engine two egt exceedance on takeoff", ["engine"]),
    ("lavatory smoke detector inoperative", ["cabin", "avionics"]),
    ("fuel quantity indication erratic left wing tank", ["fuel", "avionics"]),
    ("fuel leak at engine one pylon drain", ["fuel", "engine"]),
    ("cabin reading lights row twelve inoperative", ["cabin"]),
    ("brake temperature high after landing main gear", ["landing_gear"]),
    ("hydraulic fluid seeping from spoiler actuator", ["hydraulics"]),
    ("engine oil consumption above limits", ["engine"]),
    ("weather radar fault message on display", ["avionics"]),
]
DEV_ENTRIES = [
    ("hydraulic quantity dropping on system a", ["hydraulics"]),
    ("gear disagree light on final approach", ["landing_gear", "avionics"]),
    ("engine vibration indication high in cruise", ["engine"]),
    ("galley oven breaker tripped in cabin", ["cabin"]),
]


def write_vocab(workdir):
    words = sorted({w for t, _ in ENTRIES + DEV_ENTRIES for w in t.split()})
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def collate(rows, tokenizer, max_len):
    texts, tags = zip(*rows)
    enc = tokenizer(list(texts), padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    target = torch.zeros(len(rows), len(SYSTEMS))
    for i, row_tags in enumerate(tags):
        for t in row_tags:
            target[i, SYSTEMS.index(t)] = 1.0
    return dict(enc), target


class SystemTagger(L.LightningModule):
    def __init__(self, vocab_size, thresholds, lr=3e-3):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, len(SYSTEMS))
        self.loss_fn = nn.BCEWithLogitsLoss()
        self.register_buffer("thresholds", thresholds)
        self.lr = lr

    def forward(self, enc):
        return self.head(self.bert(**enc).pooler_output)

    def training_step(self, batch, batch_idx):
        enc, target = batch
        loss = self.loss_fn(self(enc), target)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        enc, target = batch
        probs = torch.sigmoid(self(enc))
        predicted = probs >= self.thresholds
        exact = (predicted == target.bool()).all(dim=1).float().mean()
        self.log("val_exact_match", exact, prog_bar=True)
        print(f"val batch {batch_idx}: exact match {exact:.2f}")

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    configure()
    tag_thresholds = torch.tensor(env_list("TAG_THRESHOLDS"))
    L.seed_everything(13, verbose=False)
    max_len = int(os.environ.get("MAX_LEN", "64"))
    batch_size = env_int("BATCH_SIZE", 8)

    tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp()))
    to_batch = partial(collate, tokenizer=tokenizer, max_len=max_len)
    train_dl = DataLoader(ENTRIES, batch_size=batch_size, shuffle=True, collate_fn=to_batch)
    dev_dl = DataLoader(DEV_ENTRIES, batch_size=batch_size, collate_fn=to_batch)

    model = SystemTagger(tokenizer.vocab_size, tag_thresholds)
    trainer = L.Trainer(max_epochs=env_int("EPOCHS", 1), accelerator="cpu", logger=False,
                        enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False, num_sanity_val_steps=0)
    trainer.fit(model, train_dl, dev_dl)
    print("done:", {k: round(float(v), 3) for k, v in trainer.callback_metrics.items()})


if __name__ == "__main__":
    main()
