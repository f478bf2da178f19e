"""Check museum provenance claims against archive extracts and catalogue notes.

A tiny BERT pair classifier trained with Lightning. The LightningModule forwards
its lifecycle to a list of plain callback objects so the feature code stays
independent of the training library.
"""
import os
import tempfile

import lightning as L
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(3, verbose=False)

RECORDS = [
    {"claim": "bowl acquired from the hartley estate in 1921",
     "evidence": "hartley estate sale ledger lists a lacquer bowl lot 44",
     "note": "catalogue card dated 1921", "verdict": 1},
    {"claim": "tapestry donated by the widow of captain reyes",
     "evidence": "no donation record found under reyes",
     "note": "card mentions purchase at auction", "verdict": 0},
    {"claim": "astrolabe bought at the lisbon fair",
     "evidence": "fair register shows astrolabe sold to museum agent",
     "note": "invoice in lisbon folder", "verdict": 1},
    {"claim": "mask collected on the 1908 expedition",
     "evidence": "expedition inventory lists no masks",
     "note": "accession number added in 1950", "verdict": 0},
]


def build_tokenizer():
    words = sorted({w for r in RECORDS for f in ("claim", "evidence", "note") for w in r[f].split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class SegmentEncoder:
    """[CLS] claim [SEP] evidence [SEP] note [SEP], one segment id per field."""

    def __init__(self, tokenizer, fields=("claim", "evidence", "note")):
        self.tok = tokenizer
        self.fields = fields

    def encode_one(self, row):
        ids, segs = [self.tok.cls_token_id], [0]
        for seg, field in enumerate(self.fields):
            piece = self.tok.convert_tokens_to_ids(self.tok.tokenize(row[field])) + [self.tok.sep_token_id]
            ids += piece
            segs += [seg] * len(piece)
        return ids, segs

    def on_batch(self, module, batch):
        encoded = [self.encode_one(r) for r in batch["rows"]]
        width = max(len(ids) for ids, _ in encoded)
        pad = self.tok.pad_token_id
        return {
            "input_ids": torch.tensor([i + [pad] * (width - len(i)) for i, _ in encoded]),
            "token_type_ids": torch.tensor([s + [0] * (width - len(s)) for _, s in encoded]),
            "attention_mask": torch.tensor([[1] * len(i) + [0] * (width - len(i)) for i, _ in encoded]),
            "labels": batch["verdict"],
        }


class ShapeLogger:
    def on_epoch_start(self, module):
        print(f"epoch {module.current_epoch} begins")

    def on_batch(self, module, batch):
        if module.global_step == 0:
            print("first batch:", {k: tuple(v.shape) for k, v in batch.items()})
        return batch

    def on_eval(self, module, metrics):
        print("validation:", {k: round(float(v), 4) for k, v in metrics.items()})


class ProvenanceModule(L.LightningModule):
    def __init__(self, bert_config, callbacks):
        super().__init__()
        self.bert = BertForSequenceClassification(bert_config)
        self.callbacks_ = callbacks
        self._val_losses = []

    def emit(self, event, *extra):
        for cb in self.callbacks_:
            handler = getattr(cb, event, None)
            if handler is not None:
                out = handler(self, *extra)
                if event == "on_batch":
                    extra = (out,)
        return extra[0] if extra else None

    def on_train_epoch_start(self):
        self.emit("on_epoch_start")

    def on_after_batch_transfer(self, batch, dataloader_idx):
        return self.emit("on_batch", batch)

    def training_step(self, batch, batch_idx):
        return self.bert(**batch).loss

    def validation_step(self, batch, batch_idx):
        self._val_losses.append(self.bert(**batch).loss.detach())

    def on_validation_epoch_end(self):
        if self._val_losses:
            self.emit("on_eval", {"val_loss": torch.stack(self._val_losses).mean()})
        self._val_losses.clear()

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=2e-4)


def collate(rows):
    return {"rows": rows, "verdict": torch.tensor([r["verdict"] for r in rows])}


def main():
    tokenizer = build_tokenizer()
    encoder = SegmentEncoder(tokenizer)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=128, num_labels=2, type_vocab_size=len(encoder.fields))
    module = ProvenanceModule(config, [encoder, ShapeLogger()])
    train = DataLoader(RECORDS, batch_size=2, shuffle=True, collate_fn=collate)
    val = DataLoader(RECORDS, batch_size=4, collate_fn=collate)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(module, train_dataloaders=train, val_dataloaders=val)
    print("done; segments used:", encoder.fields)


if __name__ == "__main__":
    main()
