"""Does the proposed repair fit the defect? Bridge inspection pairs, tiny BERT.

Sweep: whether to append the structure metadata as an extra segment, and the
dropout of the encoder. One Lightning run per grid point.
"""
import itertools
import os
import tempfile
from dataclasses import dataclass

import torch
import lightning as L
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

L.seed_everything(3, verbose=False)

# (defect, proposed repair, structure metadata, repair is appropriate)
RECORDS = [
    ("spalling concrete exposed rebar on pier cap", "patch repair with polymer mortar", "reinforced concrete 1968", 1),
    ("spalling concrete exposed rebar on pier cap", "repaint steel girders", "reinforced concrete 1968", 0),
    ("fatigue crack at welded stiffener", "drill stop hole and bolt splice plate", "steel plate girder 1975", 1),
    ("fatigue crack at welded stiffener", "seal deck joints", "steel plate girder 1975", 0),
    ("scour hole around abutment footing", "place riprap and grout bags", "masonry arch 1902", 1),
    ("scour hole around abutment footing", "replace bearing pads", "masonry arch 1902", 0),
    ("leaking expansion joint staining bearings", "replace joint seal and clean bearings", "prestressed beam 1989", 1),
    ("leaking expansion joint staining bearings", "inject epoxy into cracks", "prestressed beam 1989", 0),
    ("corroded bearing plates seized rollers", "replace bearing pads", "steel truss 1931", 1),
    ("corroded bearing plates seized rollers", "place riprap and grout bags", "steel truss 1931", 0),
    ("hairline cracks in deck soffit", "inject epoxy into cracks", "prestressed beam 1989", 1),
    ("hairline cracks in deck soffit", "drill stop hole and bolt splice plate", "prestressed beam 1989", 0),
]


@dataclass
class RunSettings:
    layout: str
    dropout: float
    lr: float = 5e-4
    batch_size: int = 4

    @property
    def fields(self):
        return (0, 1, 2) if self.layout == "pair+meta" else (0, 1)


def make_tokenizer(folder):
    words = sorted({w for rec in RECORDS for seg in rec[:3] for w in seg.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def encode(tok, record, fields):
    ids, seg_ids = [tok.cls_token_id], [0]
    for seg_no, field in enumerate(fields):
        piece = tok.convert_tokens_to_ids(tok.tokenize(record[field])) + [tok.sep_token_id]
        ids += piece
        seg_ids += [seg_no] * len(piece)
    return {"ids": torch.tensor(ids), "segs": torch.tensor(seg_ids), "y": record[3]}


def collate(items, pad_id):
    ids = pad_sequence([it["ids"] for it in items], batch_first=True, padding_value=pad_id)
    return {
        "input_ids": ids,
        "token_type_ids": pad_sequence([it["segs"] for it in items], batch_first=True),
        "attention_mask": (ids != pad_id).long(),
        "labels": torch.tensor([it["y"] for it in items]),
    }


class RepairMatcher(L.LightningModule):
    def __init__(self, vocab_size, settings):
        super().__init__()
        self.settings = settings
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, num_labels=2,
                         hidden_dropout_prob=settings.dropout,
                         type_vocab_size=len(settings.fields))
        self.bert = BertForSequenceClassification(cfg)

    def training_step(self, batch, batch_idx):
        out = self.bert(**batch)
        self.log("train_loss", out.loss, on_epoch=True, batch_size=len(batch["labels"]))
        return out.loss

    def validation_step(self, batch, batch_idx):
        out = self.bert(**batch)
        acc = (out.logits.argmax(-1) == batch["labels"]).float().mean()
        self.log("val_acc", acc, batch_size=len(batch["labels"]))

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.settings.lr)


def run(tok, settings):
    encoded = [encode(tok, r, settings.fields) for r in RECORDS]
    loader = DataLoader(encoded, batch_size=settings.batch_size, shuffle=True,
                        collate_fn=lambda b: collate(b, tok.pad_token_id))
    val_loader = DataLoader(encoded, batch_size=settings.batch_size,
                            collate_fn=lambda b: collate(b, tok.pad_token_id))
    module = RepairMatcher(len(tok), settings)
    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(module, loader, val_loader)
    m = trainer.callback_metrics
    return float(m["train_loss_epoch"]), float(m["val_acc"])


def main():
    tok = make_tokenizer(tempfile.mkdtemp(prefix="bridge_"))
    results = []
    for layout, dropout in itertools.product(["pair", "pair+meta"], [0.0, 0.1]):
        settings = RunSettings(layout=layout, dropout=dropout)
        print(f"== {settings}")
        loss, acc = run(tok, settings)
        results.append({"layout": layout, "dropout": dropout, "loss": loss, "val_acc": acc})

    print(f"{'layout':<11}{'dropout':>8}{'loss':>9}{'val_acc':>9}")
    for r in results:
        print(f"{r['layout']:<11}{r['dropout']:>8.1f}{r['loss']:>9.4f}{r['val_acc']:>9.2f}")


if __name__ == "__main__":
    main()
