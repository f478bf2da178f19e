"""Customs broker: route goods descriptions from import declarations to the
inspection desk. Trained with Lightning, exported as a plain state dict + json,
served by a Predictor that honours per-channel desk restrictions."""
import json
import os
import tempfile
from functools import partial

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(3, verbose=False)

DESKS = ["textiles", "electronics", "agrifood", "chemicals", "machinery"]
DECLARATIONS = [
    ("cotton knitted shirts for men", "textiles"),
    ("woven wool fabric rolls", "textiles"),
    ("lithium battery packs for laptops", "electronics"),
    ("printed circuit boards assembled", "electronics"),
    ("frozen shrimp peeled in cartons", "agrifood"),
    ("green coffee beans not roasted", "agrifood"),
    ("sodium hydroxide flakes in drums", "chemicals"),
    ("industrial solvent acetone bulk", "chemicals"),
    ("hydraulic excavator spare pumps", "machinery"),
    ("cnc lathe with control unit", "machinery"),
]

# postal and courier consignments are only handled by some desks
SERVING = {
    "channel_desks": {
        "postal": ["textiles", "electronics", "agrifood"],
        "courier": ["textiles", "electronics", "agrifood", "machinery"],
    },
}


class DeskClassifier(L.LightningModule):
    def __init__(self, config, lr=5e-3):
        super().__init__()
        self.bert = BertForSequenceClassification(config)
        self.lr = lr

    def training_step(self, batch, batch_idx):
        loss = self.bert(**batch).loss
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def collate(rows, tokenizer):
    enc = tokenizer([text for text, _ in rows], padding=True, return_tensors="pt")
    enc["labels"] = torch.tensor([DESKS.index(desk) for _, desk in rows])
    return dict(enc)


def train_and_export(out_dir):
    words = sorted({w for text, _ in DECLARATIONS for w in text.split()})
    with open(os.path.join(out_dir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(out_dir, "vocab.txt"))
    arch = dict(vocab_size=len(words) + 5, hidden_size=32, num_hidden_layers=1,
                num_attention_heads=2, intermediate_size=64, max_position_embeddings=48,
                num_labels=len(DESKS))
    module = DeskClassifier(BertConfig(**arch))
    loader = DataLoader(DECLARATIONS, batch_size=5, shuffle=True,
                        collate_fn=partial(collate, tokenizer=tokenizer))
    trainer = L.Trainer(max_epochs=2, accelerator="cpu", devices=1, logger=False,
                        enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False)
    trainer.fit(module, loader)
    print(f"final train loss: {trainer.callback_metrics['train_loss']:.3f}")

    torch.save(module.bert.state_dict(), os.path.join(out_dir, "desk_model.pt"))
    with open(os.path.join(out_dir, "desk_config.json"), "w") as fh:
        json.dump({"arch": arch, "desks": DESKS}, fh)


class Predictor:
    def __init__(self, model, tokenizer, desks, channel_desks=None):
        self.model, self.tokenizer, self.desks = model.eval(), tokenizer, desks
        self.desk_ids = {d: i for i, d in enumerate(desks)}
        self.channel_desks = channel_desks or {}

    @classmethod
    def from_dir(cls, path, **serving):
        with open(os.path.join(path, "desk_config.json")) as fh:
            meta = json.load(fh)
        model = BertForSequenceClassification(BertConfig(**meta["arch"]))
        model.load_state_dict(torch.load(os.path.join(path, "desk_model.pt")))
        return cls(model, BertTokenizer(os.path.join(path, "vocab.txt")), meta["desks"], **serving)

    def _restrict(self, row, channel):
        allowed = self.channel_desks.get(channel)
        if allowed is None:
            return row
        keep = torch.zeros_like(row, dtype=torch.bool)
        keep[[self.desk_ids[d] for d in allowed]] = True
        row = row.masked_fill(~keep, 0.0)
        return row / row.sum()

    @torch.no_grad()
    def predict_batch(self, requests):
        enc = self.tokenizer([r["goods"] for r in requests], padding=True, return_tensors="pt")
        probs = self.model(**enc).logits.softmax(-1)
        per_request = [self._restrict(p, r["channel"]) for p, r in zip(probs, requests)]
        scores = torch.stack(per_request)
        conf, best = scores.max(dim=-1)
        return [(r["ref"], self.desks[b], round(c, 3))
                for r, b, c in zip(requests, best.tolist(), conf.tolist())]


if __name__ == "__main__":
    export_dir = tempfile.mkdtemp(prefix="customs-desks-")
    train_and_export(export_dir)
    predictor = Predictor.from_dir(export_dir, **SERVING)
    queue = [
        {"ref": "DEC-88120", "channel": "postal", "goods": "knitted wool shirts"},
        {"ref": "DEC-88121", "channel": "sea", "goods": "acetone solvent in drums"},
        {"ref": "DEC-88122", "channel": "courier", "goods": "spare pumps for excavator"},
        {"ref": "DEC-88123", "channel": "postal", "goods": "roasted coffee beans"},
    ]
    for ref, desk, conf in predictor.predict_batch(queue):
        print(f"{ref}: {desk} ({conf})")
