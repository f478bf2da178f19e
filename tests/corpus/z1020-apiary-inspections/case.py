"""K-fold fine-tune of a tiny BERT on apiary inspection notes -> hive condition.

Competition baseline: 2 folds, out-of-fold predictions collected for stacking later.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

SEED = 13
N_FOLDS = 2
MAX_LEN = 24

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

CONDITION2ID = {"healthy": 0, "queenless": 1, "varroa": 2, "swarming": 3, "chalkbrood": 4}

NOTES = [
    ("brood pattern solid and capped, calm bees, fresh nectar", "healthy"),
    ("no eggs seen, roaring colony, several emergency cells", "queenless"),
    ("mites on drone brood, deformed wings on workers", "varroa"),
    ("many queen cells along bottom bars, congested brood nest", "swarming"),
    ("laying queen spotted, good stores, calm on the frames", "healthy"),
    ("white mummified larvae at entrance, spotty brood", "chalkbrood"),
    ("mite drop high on sticky board after sugar roll", "varroa"),
    ("no brood at all, laying workers suspected", "queenless"),
    ("strong colony, brood on eight frames, plenty of pollen", "healthy"),
    ("capped queen cells, half the bees gone from the box", "swarming"),
    ("chalky larvae in cells, damp hive floor", "chalkbrood"),
    ("deformed wings and mites visible on bees", "varroa"),
]

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(
    {w.strip(",") for text, _ in NOTES for w in text.split()})


def build_tokenizer():
    workdir = tempfile.mkdtemp()
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(vocab_path)


class InspectionDataset(Dataset):
    def __init__(self, rows, tokenizer):
        self.enc = tokenizer([t for t, _ in rows], padding="max_length", truncation=True,
                             max_length=MAX_LEN, return_tensors="pt")
        self.targets = torch.tensor([CONDITION2ID[c] for _, c in rows])

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, idx):
        item = {k: v[idx] for k, v in self.enc.items()}
        item["labels"] = self.targets[idx]
        return item


def make_model(tokenizer, n_classes):
    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=n_classes)
    return BertForSequenceClassification(cfg)


def split_rows(rows, fold):
    train = [r for i, r in enumerate(rows) if i % N_FOLDS != fold]
    valid = [r for i, r in enumerate(rows) if i % N_FOLDS == fold]
    return train, valid


def main():
    tok = build_tokenizer()
    oof_preds = []
    outdir = tempfile.mkdtemp()

    for fold in range(N_FOLDS):
        train_rows, valid_rows = split_rows(NOTES, fold)
        seen_conditions = sorted({c for _, c in train_rows})
        print(f"[fold {fold}] train={len(train_rows)} valid={len(valid_rows)} "
              f"conditions={seen_conditions}")

        model = make_model(tok, n_classes=len(seen_conditions))
        args = TrainingArguments(
            output_dir=os.path.join(outdir, f"fold{fold}"),
            num_train_epochs=1,
            per_device_train_batch_size=4,
            per_device_eval_batch_size=4,
            learning_rate=5e-4,
            seed=SEED,
            save_strategy="no",
            disable_tqdm=True,
            report_to=[],
            use_cpu=True,
        )
        trainer = Trainer(model=model, args=args,
                          train_dataset=InspectionDataset(train_rows, tok))
        trainer.train()

        out = trainer.predict(InspectionDataset(valid_rows, tok))
        fold_pred = out.predictions.argmax(-1)
        acc = (fold_pred == out.label_ids).mean()
        print(f"[fold {fold}] valid acc={acc:.3f}")
        oof_preds.append(fold_pred)

    oof = np.concatenate(oof_preds)
    print("OOF predictions:", oof.tolist())


if __name__ == "__main__":
    main()
