# Flags pharmacy compounding log entries that need a pharmacist's second check (Lightning + tiny BERT).
import re
import tempfile
import types

import lightning as L
import torch
import yaml
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SETTINGS = """
base: &base
  seed: 5
  max_len: 32
model:
  <<: *base
  hidden: 32
  heads: 2
  lr: 1.0e-3
data:
  <<: *base
  text_col: 3
  label_col: &label_col 4
  batch_size: 4
train:
  <<: *base
  max_epochs: 2
  out: ${paths.tmp}/review-runs
metrics:
  gold_col: *label_col
  prob_col: 2
  threshold: 0.5
"""

# rec_id, site, shift, free-text entry, needs_review
LOG = [
    (101, "north", "am", "morphine oral solution diluted per protocol", 1),
    (102, "north", "am", "aqueous cream with menthol batch checked", 0),
    (103, "south", "pm", "paediatric omeprazole suspension recalculated dose", 1),
    (104, "south", "pm", "zinc oxide paste weighed and labelled", 0),
    (105, "north", "night", "methotrexate capsules weight variation high", 1),
    (106, "east", "am", "coal tar ointment standard batch", 0),
    (107, "east", "pm", "hydrocortisone cream diluted for infant", 1),
    (108, "south", "am", "salicylic acid lotion labelled", 0),
    (109, "north", "pm", "baclofen suspension strength changed by prescriber", 1),
    (110, "east", "night", "emulsifying ointment refill batch", 0),
]


def fill(node, root):
    if isinstance(node, dict):
        return {k: fill(v, root) for k, v in node.items()}
    if isinstance(node, str):
        return re.sub(r"\$\{(\w+)\.(\w+)\}", lambda m: str(root[m.group(1)][m.group(2)]), node)
    return node


def nsify(node):
    if isinstance(node, dict):
        return types.SimpleNamespace(**{k: nsify(v) for k, v in node.items()})
    return node


def make_collate(tok, dcfg):
    def collate(rows):
        enc = tok([r[dcfg.text_col] for r in rows], padding=True, truncation=True,
                  max_length=dcfg.max_len, return_tensors="pt")
        enc["labels"] = torch.tensor([r[dcfg.label_col] for r in rows])
        return dict(enc)
    return collate


class ReviewFlagger(L.LightningModule):
    def __init__(self, vocab_size, mcfg, metrics):
        super().__init__()
        self.bert = BertForSequenceClassification(BertConfig(
            vocab_size=vocab_size, hidden_size=mcfg.hidden, num_hidden_layers=1, num_attention_heads=mcfg.heads,
            intermediate_size=64, max_position_embeddings=64, num_labels=2))
        self.lr, self.metrics, self.val_rows = mcfg.lr, metrics, []

    def training_step(self, batch, batch_idx):
        loss = self.bert(**batch).loss
        self.log("train_loss", loss, batch_size=batch["labels"].size(0))
        return loss

    def validation_step(self, batch, batch_idx):
        logits = self.bert(**batch).logits
        p_review = logits.softmax(-1)[:, 1]
        # one row per entry: gold, predicted, probability of "needs review"
        self.val_rows.append(torch.stack([batch["labels"].float(), logits.argmax(-1).float(), p_review], dim=1))

    def on_validation_epoch_end(self):
        table = torch.cat(self.val_rows)
        self.val_rows.clear()
        gold = table[:, self.metrics.gold_col].bool()
        flagged = table[:, self.metrics.prob_col] >= self.metrics.threshold
        recall = (flagged & gold).sum() / gold.sum().clamp(min=1)
        precision = (flagged & gold).sum() / flagged.sum().clamp(min=1)
        self.log_dict({"val_recall": recall, "val_precision": precision})
        print(f"\nval: {len(table)} entries recall={recall:.2f} precision={precision:.2f}")

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    raw = yaml.safe_load(SETTINGS)
    raw["paths"] = {"tmp": tempfile.mkdtemp(prefix="compounding-")}
    cfg = nsify(fill(raw, raw))
    L.seed_everything(cfg.train.seed, verbose=False)

    words = sorted({w for row in LOG for w in row[cfg.data.text_col].split()})
    vocab_path = f"{raw['paths']['tmp']}/vocab.txt"
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_path)

    collate = make_collate(tok, cfg.data)
    train_dl = DataLoader(LOG[:7], batch_size=cfg.data.batch_size, shuffle=True, collate_fn=collate)
    val_dl = DataLoader(LOG[7:], batch_size=cfg.data.batch_size, collate_fn=collate)
    module = ReviewFlagger(tok.vocab_size, cfg.model, cfg.metrics)
    trainer = L.Trainer(max_epochs=cfg.train.max_epochs, default_root_dir=cfg.train.out, accelerator="cpu",
                        logger=False, enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False, log_every_n_steps=1)
    trainer.fit(module, train_dl, val_dl)
    print("done, weights in", cfg.train.out)


if __name__ == "__main__":
    main()
