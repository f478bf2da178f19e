"""Grouped 2-fold BERT classifier for apiary inspection notes -> colony status, ensembled on a holdout yard."""
import os
import zlib
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor

import torch
import torch.nn.functional as F
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

warnings.filterwarnings("ignore")
L.seed_everything(3, verbose=False)

STATUS = ["queenright", "queenless", "swarm_prep"]
NOTES = [  # (hive, yard, note, status)
    ("H01", "north", "eggs and young larvae seen queen spotted on frame four", 0),
    ("H01", "north", "capped queen cells along bottom bars colony crowded", 2),
    ("H02", "north", "no eggs no young larvae workers roaring", 1),
    ("H02", "north", "laying workers multiple eggs per cell drone brood only", 1),
    ("H03", "north", "solid brood pattern fresh eggs calm bees", 0),
    ("H04", "ridge", "queen cups charged with larvae backfilled brood nest", 2),
    ("H04", "ridge", "eggs present marked queen seen good stores", 0),
    ("H05", "ridge", "emergency queen cells no eggs seen", 1),
    ("H06", "ridge", "capped swarm cells crowded supers full", 2),
    ("H06", "ridge", "young larvae eggs present queen not seen", 0),
    ("H07", "ridge", "no brood at all agitated bees", 1),
    ("H08", "north", "eggs and larvae calm colony good pattern", 0),
    ("H09", "north", "queen cells on bottom bars brood nest backfilled", 2),
    ("H10", "east", "fresh eggs queen spotted calm", 0),
    ("H10", "east", "drone brood in worker cells no eggs", 1),
    ("H11", "east", "charged queen cups colony very crowded", 2),
    ("H12", "east", "eggs larvae capped brood all present", 0),
]
HOLDOUT_YARD = "east"


def build_tokenizer():
    words = sorted({w for _, _, n, _ in NOTES for w in n.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


TOK = build_tokenizer()


def prepare(row):
    """Worker: tokenize one note, assign its group fold (by hive, so a hive never straddles folds)."""
    hive, yard, note, status = row
    ids = TOK.encode(note)
    return {"hive": hive, "yard": yard, "ids": ids, "n_tokens": len(ids), "status": status,
            "fold": zlib.crc32(hive.encode()) % 2}


def collate(items):
    width = max(it["n_tokens"] for it in items)
    ids = torch.full((len(items), width), TOK.pad_token_id)
    for r, it in enumerate(items):
        ids[r, : it["n_tokens"]] = torch.tensor(it["ids"])
    return {"input_ids": ids, "attention_mask": (ids != TOK.pad_token_id).long(),
            "labels": torch.tensor([it["status"] for it in items])}


class StatusClassifier(L.LightningModule):
    def __init__(self):
        super().__init__()
        cfg = BertConfig(vocab_size=TOK.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=32, num_labels=len(STATUS))
        self.bert = BertForSequenceClassification(cfg)

    def training_step(self, batch, _):
        return self.bert(**batch).loss

    def validation_step(self, batch, _):
        self.log("val_loss", self.bert(**batch).loss, batch_size=batch["labels"].size(0))

    def predict_step(self, batch, _):
        out = self.bert(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        return F.softmax(out.logits, dim=-1)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-3)


def main():
    with ThreadPoolExecutor(max_workers=4) as pool:
        prepared = list(pool.map(prepare, NOTES))

    holdout = [p for p in prepared if p["yard"] == HOLDOUT_YARD]
    folds = {0: [], 1: []}
    for p in prepared:
        if p["yard"] != HOLDOUT_YARD:
            folds[p["fold"]].append(p)
    print("fold sizes:", {k: len(v) for k, v in folds.items()}, "holdout:", len(holdout))

    holdout_loader = DataLoader(holdout, batch_size=4, collate_fn=collate)
    fold_probs = []
    for k in (0, 1):
        train_loader = DataLoader(folds[1 - k], batch_size=4, shuffle=True, collate_fn=collate)
        eval_loader = DataLoader(folds[k], batch_size=4, collate_fn=collate)
        module = StatusClassifier()
        trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                            enable_checkpointing=False, enable_model_summary=False)
        trainer.fit(module, train_dataloaders=train_loader, val_dataloaders=eval_loader)
        print(f"fold {k}: val_loss={trainer.callback_metrics['val_loss'].item():.4f}")
        probs = torch.cat(trainer.predict(module, dataloaders=holdout_loader))
        fold_probs.append(probs)

    ensemble = sum(fold_probs) / len(fold_probs)
    gold = torch.tensor([h["status"] for h in holdout])
    acc = (ensemble.argmax(-1) == gold).float().mean().item()
    print(f"holdout yard '{HOLDOUT_YARD}': ensemble accuracy {acc:.3f}")


if __name__ == "__main__":
    main()
