"""Classify marine engine fault reports by subsystem, conditioned on vessel type.

Each report gets a vessel-type marker token in front of the text so one model can serve
tankers, bulk carriers and container ships.
"""
import os
import tempfile

import torch
import torch.nn as nn
import lightning as L
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(3, verbose=False)

VESSEL_TYPES = ["tanker", "bulk", "container"]
SUBSYSTEMS = ["fuel", "cooling", "lubrication", "turbocharger"]

REPORTS = [
    ("tanker", "fuel injector leaking on cylinder three", "fuel"),
    ("bulk", "jacket water temperature high alarm", "cooling"),
    ("container", "lube oil pressure dropping at full load", "lubrication"),
    ("tanker", "turbocharger surging with black smoke", "turbocharger"),
    ("bulk", "fuel filter differential pressure high", "fuel"),
    ("container", "sea water pump impeller worn", "cooling"),
    ("tanker", "lube oil filter clogged metal particles", "lubrication"),
    ("bulk", "turbocharger bearing vibration increasing", "turbocharger"),
    ("container", "fuel pump rack sticking", "fuel"),
    ("tanker", "cooler fouled temperature rising", "cooling"),
]

MARKERS = {v: f"[V_{v.upper()}]" for v in VESSEL_TYPES}


def make_tokenizer():
    words = sorted({w for _, text, _ in REPORTS for w in text.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + list(MARKERS.values())
    d = tempfile.mkdtemp(prefix="engine_vocab_")
    p = os.path.join(d, "vocab.txt")
    with open(p, "w") as f:
        f.write("\n".join(specials + words) + "\n")
    return BertTokenizer(p)


class FaultReportData(L.LightningDataModule):
    def __init__(self, tokenizer, max_len=20, batch_size=4):
        super().__init__()
        self.tokenizer = tokenizer
        self.max_len = max_len
        self.batch_size = batch_size

    def setup(self, stage=None):
        texts = [t for _, t, _ in REPORTS]
        enc = self.tokenizer(texts, padding="max_length", truncation=True,
                             max_length=self.max_len, return_tensors="pt")
        vessel = torch.tensor([self.tokenizer.convert_tokens_to_ids(MARKERS[v]) for v, _, _ in REPORTS])
        target = torch.tensor([SUBSYSTEMS.index(s) for _, _, s in REPORTS])
        self.train_set = TensorDataset(enc["input_ids"], enc["attention_mask"], vessel, target)
        print(f"setup({stage}): {len(self.train_set)} reports, seq len {enc['input_ids'].shape[1]}")

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True)


class VesselAwareClassifier(L.LightningModule):
    def __init__(self, vocab_size, n_classes, lr=5e-4):
        super().__init__()
        self.save_hyperparameters()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.head = nn.Linear(cfg.hidden_size, n_classes)
        self.loss_fn = nn.CrossEntropyLoss()

    def forward(self, token_ids, pad_mask, vessel_ids):
        # put the vessel marker right after [CLS]
        with_marker = torch.cat([token_ids[:, :1], vessel_ids.unsqueeze(1), token_ids[:, 1:]], dim=1)
        pad_mask = torch.cat([pad_mask[:, :1], torch.ones_like(pad_mask[:, :1]), pad_mask[:, 1:]], dim=1)
        hidden = self.encoder(input_ids=with_marker, attention_mask=pad_mask).last_hidden_state
        return self.head(hidden[:, 0])

    def training_step(self, batch, batch_idx):
        token_ids, pad_mask, vessel_ids, target = batch
        logits = self(token_ids, pad_mask, vessel_ids)
        loss = self.loss_fn(logits, target)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.hparams.lr)


def main():
    tok = make_tokenizer()
    dm = FaultReportData(tok)
    model = VesselAwareClassifier(vocab_size=tok.vocab_size, n_classes=len(SUBSYSTEMS))
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, datamodule=dm)
    print("final loss:", trainer.callback_metrics.get("train_loss"))


if __name__ == "__main__":
    main()
