"""Harbour-master text models: train / evaluate CLI around a tiny BERT + HF Trainer."""
import argparse
import logging
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("harbour")

TASKS = {
    "doctype": {
        "labels": ["manifest", "crew_list", "bunker_note", "pilot_request", "waste_declaration"],
        "data": [("cargo manifest for containers bay four", 0), ("manifest amended pallets of steel", 0),
                 ("crew list with twelve seafarers aboard", 1), ("updated crew list master and cook", 1),
                 ("bunker delivery note fuel oil tonnes", 2), ("bunker note marine gas oil received", 2),
                 ("pilot requested for inbound berth", 3), ("request pilot at outer anchorage", 3),
                 ("waste declaration sludge and garbage", 4), ("declaration of oily waste for reception", 4)],
    },
    "severity": {
        "labels": ["routine", "urgent", "critical"],
        "data": [("minor scrape on fender during berthing", 0), ("routine log of mooring lines check", 0),
                 ("engine alarm and reduced speed in channel", 1), ("man overboard drill delayed by weather", 1),
                 ("fire in engine room crew evacuating", 2), ("collision with tug hull breached", 2),
                 ("oil spill near berth containment needed", 2), ("late arrival of pilot boat", 0)],
    },
}


def write_vocab(folder):
    words = sorted({w for t in TASKS.values() for text, _ in t["data"] for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class ReportSet(Dataset):
    def __init__(self, rows, tokenizer, max_len):
        enc = tokenizer([r[0] for r in rows], padding="max_length", truncation=True,
                        max_length=max_len, return_tensors="pt")
        self.enc = enc
        self.gold = torch.tensor([r[1] for r in rows])

    def __len__(self):
        return len(self.gold)

    def __getitem__(self, i):
        item = {k: v[i] for k, v in self.enc.items()}
        item["labels"] = self.gold[i]
        return item


def build_model(task, vocab_size, hidden, max_len, **_):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=hidden * 2,
                     max_position_embeddings=max(128, max_len),
                     num_labels=len(TASKS[task]["labels"]))
    return BertForSequenceClassification(cfg)


def build_trainer(model, run_dir, epochs, batch_size, lr, seed, **_):
    targs = TrainingArguments(output_dir=run_dir, num_train_epochs=epochs, learning_rate=lr,
                              per_device_train_batch_size=batch_size, per_device_eval_batch_size=batch_size,
                              save_strategy="no", report_to=[], use_cpu=True, seed=seed,
                              logging_strategy="no", disable_tqdm=True)
    return Trainer(model=model, args=targs)


def cmd_train(args):
    torch.manual_seed(args.seed)
    tok = BertTokenizer(write_vocab(tempfile.mkdtemp()))
    model = build_model(vocab_size=tok.vocab_size, **vars(args))
    trainer = build_trainer(model, **vars(args))
    trainer.train_dataset = ReportSet(TASKS[args.task]["data"], tok, args.max_len)
    trainer.train()
    trainer.save_model(args.run_dir)
    tok.save_pretrained(args.run_dir)
    log.info("saved %s model (%d classes) to %s", args.task, model.config.num_labels, args.run_dir)


def cmd_evaluate(args):
    names = TASKS[args.task]["labels"]
    tok = BertTokenizer.from_pretrained(args.checkpoint)
    model = BertForSequenceClassification.from_pretrained(args.checkpoint)
    trainer = build_trainer(model, run_dir=tempfile.mkdtemp(), epochs=1, lr=0.0, **{
        k: v for k, v in vars(args).items() if k in ("batch_size", "seed")})
    gold_set = ReportSet(TASKS[args.task]["data"], tok, args.max_len)
    out = trainer.predict(gold_set)
    preds = torch.as_tensor(out.predictions).argmax(-1)
    confusion = torch.zeros(len(names), len(names), dtype=torch.long)
    for g, p in zip(gold_set.gold.tolist(), preds.tolist()):
        confusion[g, p] += 1
    acc = confusion.diag().sum().item() / confusion.sum().item()
    log.info("%s accuracy %.3f", args.task, acc)
    for name, row in zip(names, confusion.tolist()):
        print(f"{name:>10}", row)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="harbour")
    sub = parser.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("train")
    tr.add_argument("--task", choices=sorted(TASKS), required=True)
    tr.add_argument("--run-dir", required=True)
    tr.add_argument("--max-len", type=int, default=32)
    tr.add_argument("--hidden", type=int, default=32)
    tr.add_argument("--epochs", type=int, default=3)
    tr.add_argument("--batch-size", type=int, default=4)
    tr.add_argument("--lr", type=float, default=5e-4)
    tr.add_argument("--seed", type=int, default=13)
    tr.set_defaults(func=cmd_train)
    ev = sub.add_parser("evaluate")
    ev.add_argument("--task", choices=sorted(TASKS), required=True)
    ev.add_argument("--checkpoint", required=True)
    ev.add_argument("--max-len", type=int, default=32)
    ev.add_argument("--batch-size", type=int, default=8)
    ev.add_argument("--seed", type=int, default=13)
    ev.set_defaults(func=cmd_evaluate)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    runs = tempfile.mkdtemp(prefix="harbour-runs-")
    main(["train", "--task", "doctype", "--run-dir", os.path.join(runs, "doctype-v2"),
          "--max-len", "24", "--epochs", "1"])
    main(["train", "--task", "severity", "--run-dir", os.path.join(runs, "severity-v1"),
          "--max-len", "24", "--epochs", "1"])
    main(["evaluate", "--task", "severity", "--checkpoint", os.path.join(runs, "severity-v1"),
          "--max-len", "24"])
