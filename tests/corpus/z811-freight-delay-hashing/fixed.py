"""Freight delay risk from dispatcher notes + hashed carrier / port-of-loading features (Lightning)."""
import os
import tempfile
import zlib
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(5, verbose=False)

DELAY_CLASSES = ["on_time", "late", "severely_late"]
CARRIER_HASH_SIZE = 1000
PORT_HASH_SIZE = 200


@dataclass
class Shipment:
    note: str
    carrier: str
    port: str
    delay: int


SHIPMENTS = [
    Shipment("container loaded on schedule vessel departed", "MAEU", "CNSHA", 0),
    Shipment("customs hold on reefer awaiting inspection", "CMDU", "NLRTM", 1),
    Shipment("typhoon warning port closed for two days", "COSU", "HKHKG", 2),
    Shipment("documents complete cargo released", "HLCU", "DEHAM", 0),
    Shipment("chassis shortage at terminal pickup delayed", "ONEY", "USLAX", 1),
    Shipment("vessel omitted port call rolled to next sailing", "MSCU", "SGSIN", 2),
    Shipment("booking confirmed gate in on time", "EGLV", "TWKHH", 0),
    Shipment("labor strike slowing crane operations", "YMLU", "USOAK", 2),
    Shipment("minor paperwork correction requested", "MAEU", "BEANR", 1),
    Shipment("cargo stowed sailing as planned", "CMDU", "KRPUS", 0),
]


def stable_bucket(value, size):
    return zlib.crc32(value.encode("utf-8")) % size


def make_tokenizer():
    words = sorted({w for s in SHIPMENTS for w in s.note.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class ShipmentCollator:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, rows):
        text = self.tokenizer([r.note for r in rows], padding=True, return_tensors="pt")
        return {
            "text": dict(text),
            "carrier_slot": torch.tensor([stable_bucket(r.carrier, CARRIER_HASH_SIZE) for r in rows]),
            "port_slot": torch.tensor([stable_bucket(r.port, PORT_HASH_SIZE) for r in rows]),
            "target": torch.tensor([r.delay for r in rows]),
        }


class DelayRiskModel(L.LightningModule):
    def __init__(self, vocab_size, side_dim=8):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
            intermediate_size=64, max_position_embeddings=32,
        )
        self.text_encoder = BertModel(cfg)
        self.carrier_table = nn.Embedding(CARRIER_HASH_SIZE, side_dim)
        self.port_table = nn.Embedding(PORT_HASH_SIZE, side_dim)
        self.head = nn.Sequential(
            nn.Linear(cfg.hidden_size + 2 * side_dim, 32), nn.GELU(), nn.Linear(32, len(DELAY_CLASSES))
        )

    def forward(self, text, carrier_slot, port_slot):
        pooled = self.text_encoder(**text).pooler_output
        side = torch.cat([self.carrier_table(carrier_slot), self.port_table(port_slot)], dim=-1)
        return self.head(torch.cat([pooled, side], dim=-1))

    def training_step(self, batch, batch_idx):
        logits = self(batch["text"], batch["carrier_slot"], batch["port_slot"])
        loss = F.cross_entropy(logits, batch["target"])
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=3e-4)


def main():
    tokenizer = make_tokenizer()
    loader = DataLoader(SHIPMENTS, batch_size=4, shuffle=True, collate_fn=ShipmentCollator(tokenizer))
    model = DelayRiskModel(tokenizer.vocab_size)

    trainer = L.Trainer(
        max_epochs=2, accelerator="cpu", logger=False, enable_checkpointing=False,
        enable_progress_bar=False, enable_model_summary=False,
    )
    trainer.fit(model, loader)
    print("final train loss:", float(trainer.callback_metrics["train_loss"]))

    model.eval()
    probe = ShipmentCollator(tokenizer)(SHIPMENTS[:3])
    with torch.no_grad():
        preds = model(probe["text"], probe["carrier_slot"], probe["port_slot"]).argmax(-1)
    print("probe predictions:", [DELAY_CLASSES[i] for i in preds.tolist()])


if __name__ == "__main__":
    main()
