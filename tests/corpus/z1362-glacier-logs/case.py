"""Small sweep: classify glacier field-station log lines into observation types.
Tiny BERT + HF Trainer, with our own cosine-with-floor LR curve."""
import itertools
import math
import os
import tempfile

import numpy as np
import torch
from torch.optim.lr_scheduler import LambdaLR
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

torch.manual_seed(3)

KINDS = ["ablation", "crevasse", "snowpack", "meltwater"]
LOG = [
    ("stake 14 exposed 6 cm more since last visit", 0),
    ("ablation stake reading down 4 cm", 0),
    ("stake 9 tilted surface lowered overnight", 0),
    ("new transverse crevasse near camp two", 1),
    ("snow bridge over crevasse collapsed", 1),
    ("crevasse field widening on east flank", 1),
    ("pit dug 120 cm fresh snow layer on crust", 2),
    ("snowpack density sampled at upper site", 2),
    ("wind slab forming on lee slope", 2),
    ("supraglacial stream running high afternoon", 3),
    ("moulin discharge audible near stake 3", 3),
    ("meltwater pond drained overnight", 3),
]
HELD_OUT = [
    ("stake 2 exposed further surface lowered", 0),
    ("crevasse opened across old route", 1),
    ("fresh snow layer measured in pit", 2),
    ("stream discharge high after noon", 3),
]

GRID = {"max_len": [24, 16], "epochs": [2, 3], "lr": [3e-3, 8e-3]}
BATCH = 4
DEFAULT_EPOCHS = 2


class LogLines(torch.utils.data.Dataset):
    def __init__(self, rows, tok, max_len):
        self.enc = tok([t for t, _ in rows], padding="max_length", truncation=True,
                       max_length=max_len, return_tensors="pt")
        self.y = torch.tensor([k for _, k in rows])

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.y[i]
        return item


def cosine_with_floor(optimizer, steps_per_epoch, epochs=DEFAULT_EPOCHS, floor=0.1):
    total = steps_per_epoch * epochs
    curve = floor + (1 - floor) * 0.5 * (1 + torch.cos(torch.linspace(0, math.pi, total + 1)))
    return LambdaLR(optimizer, lambda step: curve[step].item())


def accuracy(pred):
    return {"acc": float((np.argmax(pred.predictions, -1) == pred.label_ids).mean())}


def make_tokenizer(root):
    words = sorted({w for t, _ in LOG + HELD_OUT for w in t.split()})
    path = os.path.join(root, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


def run(combo, tok, root, idx):
    torch.manual_seed(idx)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                     num_labels=len(KINDS))
    model = BertForSequenceClassification(cfg)
    train_ds = LogLines(LOG, tok, combo["max_len"])
    eval_ds = LogLines(HELD_OUT, tok, combo["max_len"])

    opt = torch.optim.AdamW(model.parameters(), lr=combo["lr"], weight_decay=0.01)
    steps_per_epoch = math.ceil(len(train_ds) / BATCH)
    sched = cosine_with_floor(opt, steps_per_epoch)

    args = TrainingArguments(output_dir=os.path.join(root, f"run{idx}"), num_train_epochs=combo["epochs"],
                             per_device_train_batch_size=BATCH, per_device_eval_batch_size=BATCH,
                             save_strategy="no", logging_strategy="no", report_to=[],
                             use_cpu=True, disable_tqdm=True, seed=idx)
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                      optimizers=(opt, sched), compute_metrics=accuracy)
    train_out = trainer.train()
    metrics = trainer.evaluate()
    return {"train_loss": train_out.training_loss, "eval_loss": metrics["eval_loss"],
            "acc": metrics["eval_acc"], "final_lr": sched.get_last_lr()[0]}


def main():
    root = tempfile.mkdtemp(prefix="glacier_")
    tok = make_tokenizer(root)
    combos = [dict(zip(GRID, v)) for v in itertools.product(*GRID.values())]
    results = []
    for idx, combo in enumerate(combos):
        print(f"== run {idx}: {combo}")
        results.append({"run": idx, **combo, **run(combo, tok, root, idx)})

    print(f"{'run':<4}{'max_len':<8}{'epochs':<7}{'lr':<8}{'train':<8}{'eval':<8}{'acc':<6}{'last_lr':<9}")
    for r in results:
        print(f"{r['run']:<4}{r['max_len']:<8}{r['epochs']:<7}{r['lr']:<8g}{r['train_loss']:<8.4f}"
              f"{r['eval_loss']:<8.4f}{r['acc']:<6.2f}{r['final_lr']:<9.2e}")


if __name__ == "__main__":
    main()
