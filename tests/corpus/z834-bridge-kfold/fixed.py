"""3-fold CV of a condition-rating classifier for bridge inspection remarks.

Ratings follow the county's simplified scheme: good / fair / poor.
"""
import os
import tempfile
from functools import partial

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer, Trainer,
                          TrainingArguments)

SEED = 21
RATINGS = ["good", "fair", "poor"]
REMARKS = [
    ("deck surface sound no cracking bearings clean", "good"),
    ("joints sealed drainage clear paint intact", "good"),
    ("piers plumb no scour visible at low water", "good"),
    ("railing secure deck sound minor dirt on bearings", "good"),
    ("abutments sound no movement joints sealed", "good"),
    ("new overlay no defects drainage clear", "good"),
    ("paint intact girders straight no section loss", "good"),
    ("culvert barrel clear no cracking headwalls sound", "good"),
    ("hairline cracking in deck minor rust on girders", "fair"),
    ("joint seal torn drainage partly blocked", "fair"),
    ("spalling on pier cap small area rebar not exposed", "fair"),
    ("paint failing on girder ends light rust", "fair"),
    ("minor scour at pier monitor next cycle", "fair"),
    ("railing loose at one post deck sound", "fair"),
    ("bearings dirty some rust minor cracking in abutment", "fair"),
    ("efflorescence under deck light spalling", "fair"),
    ("rebar exposed section loss on girder flange", "poor"),
    ("deep scour at pier footing undermined", "poor"),
    ("deck cracking through slab water leaking", "poor"),
    ("bearing seized girder end heavy section loss", "poor"),
    ("abutment movement wide cracking load posting advised", "poor"),
    ("culvert barrel collapsed partly headwall failing", "poor"),
    ("heavy rust perforation in girder web", "poor"),
    ("spalling large area rebar exposed on pier cap", "poor"),
]


def make_tokenizer():
    vocab_dir = tempfile.mkdtemp(prefix="bridges_")
    words = sorted({w for text, _ in REMARKS for w in text.split()})
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


class FoldSplit(Dataset):
    """One side of a fold. Encodings are shared by all folds (tokenised once)."""

    def __init__(self, encodings, example_ids, targets):
        self.encodings = encodings
        self.example_ids = example_ids
        self.targets = targets

    def __len__(self):
        return len(self.example_ids)

    def __getitem__(self, i):
        ex = int(self.example_ids[i])
        item = {name: col[ex] for name, col in self.encodings.items()}
        item["labels"] = self.targets[i]
        return item


def accuracy_and_macro_f1(eval_pred, n_classes):
    logits, gold = eval_pred
    pred = torch.as_tensor(logits).argmax(-1)
    gold = torch.as_tensor(gold)
    f1s = []
    for c in range(n_classes):
        tp = ((pred == c) & (gold == c)).sum().item()
        denom = (pred == c).sum().item() + (gold == c).sum().item()
        f1s.append(2 * tp / denom if denom else 0.0)
    return {"accuracy": (pred == gold).float().mean().item(), "macro_f1": sum(f1s) / n_classes}


def new_model(vocab_size):
    torch.manual_seed(SEED)
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32, num_labels=len(RATINGS))
    return BertForSequenceClassification(cfg)


def run_cv(k=3):
    tok = make_tokenizer()
    texts = [t for t, _ in REMARKS]
    y = torch.tensor([RATINGS.index(r) for _, r in REMARKS])
    enc = dict(tok(texts, padding=True, return_tensors="pt"))

    order = torch.randperm(len(texts), generator=torch.Generator().manual_seed(SEED))
    folds = order.chunk(k)
    scores = []
    for f, val_ids in enumerate(folds):
        train_ids = torch.cat([folds[j] for j in range(k) if j != f])
        train_set = FoldSplit(enc, train_ids, y[train_ids])
        val_set = FoldSplit(enc, val_ids, y[val_ids])
        print(f"fold {f}: train={len(train_set)} val={len(val_set)}")

        args = TrainingArguments(
            output_dir=tempfile.mkdtemp(prefix=f"fold{f}_"),
            num_train_epochs=3,
            per_device_train_batch_size=4,
            per_device_eval_batch_size=8,
            learning_rate=5e-3,
            save_strategy="no",
            logging_strategy="no",
            seed=SEED,
            use_cpu=True,
            disable_tqdm=True,
            report_to=[],
        )
        trainer = Trainer(
            model=new_model(tok.vocab_size),
            args=args,
            train_dataset=train_set,
            eval_dataset=val_set,
            compute_metrics=partial(accuracy_and_macro_f1, n_classes=len(RATINGS)),
        )
        trainer.train()
        metrics = trainer.evaluate()
        print(f"fold {f}: acc={metrics['eval_accuracy']:.3f} macro_f1={metrics['eval_macro_f1']:.3f}")
        scores.append(metrics["eval_macro_f1"])

    print(f"mean macro F1 over {k} folds: {sum(scores) / len(scores):.3f}")


if __name__ == "__main__":
    run_cv()
