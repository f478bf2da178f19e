"""Auto-route aircraft maintenance write-ups to an ATA chapter.

Predictions below a per-chapter confidence threshold go to the human planning desk instead
of being auto-assigned. Thresholds are tuned on the validation split after training.
"""
import logging
import os
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("ata-router")
torch.manual_seed(11)
np.random.seed(11)

CHAPTERS = ["21 air conditioning", "24 electrical power", "29 hydraulic power",
            "32 landing gear", "34 navigation", "36 pneumatic"]

TRAIN = [
    ("pack outlet temp high cabin too warm", 0), ("cabin temp controller fault recirc fan noisy", 0),
    ("generator offline bus tie fault light", 1), ("battery charger fail caution on dc bus", 1),
    ("hydraulic quantity low green system", 2), ("edp pressure fluctuating yellow system leak", 2),
    ("nose gear steering shimmy on taxi", 3), ("main gear brake wear pin flush replace", 3),
    ("adiru align fault on ground", 4), ("ils localizer flag intermittent captain side", 4),
    ("bleed valve stuck closed engine two", 5), ("precooler outlet overheat bleed fault", 5),
] * 4
VAL = [
    ("cabin too warm pack temp fluctuating", 0), ("recirc fan noisy cabin temp fault", 0),
    ("dc bus caution generator fault light", 1), ("bus tie fault battery charger", 1),
    ("green system hydraulic leak quantity low", 2), ("yellow system edp pressure low", 2),
    ("localizer flag on approach adiru fault", 4), ("ils intermittent align fault", 4),
]
TEST = [
    ("brake wear pin flush main gear", 3), ("steering shimmy nose gear taxi", 3),
    ("bleed fault precooler overheat engine one", 5), ("bleed valve stuck closed", 5),
    ("pack outlet temp high", 0), ("generator offline caution", 1),
]


def build_tokenizer(texts):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab += sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class WriteUps(Dataset):
    def __init__(self, rows, tok):
        self.rows, self.tok = rows, tok

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, chapter = self.rows[i]
        enc = self.tok(text)
        enc["labels"] = chapter
        return enc


def tune_thresholds(probs, gold, target_precision=0.9):
    """Lowest confidence cut per chapter that keeps auto-routing precision high."""
    pred = probs.argmax(-1)
    conf = probs.max(-1)
    chapters_seen = np.unique(gold)
    # one cut per chapter id; chapters with no validation examples keep a conservative default
    cuts = np.full(probs.shape[1], 0.9, dtype=np.float32)
    for c in chapters_seen:
        cand = sorted(conf[pred == c]) or [0.5]
        best = max(cand)
        for t in cand:
            sel = (pred == c) & (conf >= t)
            if sel.sum() and (gold[sel] == c).mean() >= target_precision:
                best = t
                break
        cuts[c] = best
    log.info("tuned cuts for chapters %s", chapters_seen.tolist())
    return torch.tensor(cuts, dtype=torch.float32)


def main():
    tok = build_tokenizer([t for t, _ in TRAIN + VAL + TEST])
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(CHAPTERS))
    model = BertForSequenceClassification(cfg)
    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=4, learning_rate=3e-3,
                             per_device_train_batch_size=8, per_device_eval_batch_size=8,
                             save_strategy="no", report_to=[], use_cpu=True, disable_tqdm=True,
                             logging_strategy="no", seed=11)
    trainer = Trainer(model=model, args=args, train_dataset=WriteUps(TRAIN, tok),
                      data_collator=DataCollatorWithPadding(tok))
    trainer.train()

    val_out = trainer.predict(WriteUps(VAL, tok))
    val_probs = torch.softmax(torch.from_numpy(val_out.predictions), -1).numpy()
    thresholds = tune_thresholds(val_probs, val_out.label_ids)

    test_out = trainer.predict(WriteUps(TEST, tok))
    test_probs = torch.softmax(torch.from_numpy(test_out.predictions), -1)
    conf, pred = test_probs.max(-1)
    auto = conf >= thresholds[pred]
    for (text, _), p, c, a in zip(TEST, pred.tolist(), conf.tolist(), auto.tolist()):
        route = CHAPTERS[p] if a else "planning desk"
        print(f"{text[:40]:40s} -> {route} ({c:.2f})")
    log.info("auto-routed %d/%d write-ups", int(auto.sum()), len(TEST))


if __name__ == "__main__":
    main()
