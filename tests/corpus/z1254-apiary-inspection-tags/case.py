"""Tag hive inspection notes (multi-label) with a tiny BERT, trained with Accelerate."""
import argparse
import os
import tempfile
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

TAGS = ["queenless", "varroa", "chalkbrood", "swarm_cells"]
NOTES = [
    ("no eggs seen and no queen found colony agitated", [1, 0, 0, 0]),
    ("mite drop high on board deformed wings on bees", [0, 1, 0, 0]),
    ("mummified larvae white and grey at entrance", [0, 0, 1, 0]),
    ("several queen cups charged on bottom bars", [0, 0, 0, 1]),
    ("queen missing and mites counted on sugar roll", [1, 1, 0, 0]),
    ("chalky larvae and high mite drop this week", [0, 1, 1, 0]),
    ("capped queen cells on frame edges colony crowded", [0, 0, 0, 1]),
    ("calm colony brood pattern good stores fine", [0, 0, 0, 0]),
]


@dataclass
class Note:
    text: str
    tags: list


def write_tokenizer(folder):
    words = sorted({w for text, _ in NOTES for w in text.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def make_collate(tokenizer, max_len):
    def collate(notes):
        enc = tokenizer([n.text for n in notes], padding=True, truncation=True,
                        max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor([n.tags for n in notes], dtype=torch.float)
        return enc
    return collate


def build_model(vocab_size, hidden, **_):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=hidden * 2, max_position_embeddings=64, num_labels=len(TAGS),
                     problem_type="multi_label_classification")
    return BertForSequenceClassification(cfg)


def cmd_train(args):
    torch.manual_seed(args.seed)
    acc = Accelerator(cpu=True)
    tok = write_tokenizer(tempfile.mkdtemp())
    model = build_model(vocab_size=tok.vocab_size, **vars(args))
    notes = [Note(t, y) for t, y in NOTES]
    loader = DataLoader(notes, batch_size=args.batch_size, shuffle=True,
                        collate_fn=make_collate(tok, args.max_len))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    model, opt, loader = acc.prepare(model, opt, loader)
    model.train()
    for epoch in range(args.epochs):
        running = 0.0
        for batch in loader:
            out = model(**batch)
            acc.backward(out.loss)
            opt.step()
            opt.zero_grad()
            running += out.loss.item()
        acc.print(f"epoch {epoch} bce {running / len(loader):.4f}")
    acc.unwrap_model(model).save_pretrained(args.save_dir)
    tok.save_pretrained(args.save_dir)


def cmd_evaluate(args):
    acc = Accelerator(cpu=True)
    tok = BertTokenizer.from_pretrained(args.save_dir)
    model = BertForSequenceClassification.from_pretrained(args.save_dir)
    loader = DataLoader([Note(t, y) for t, y in NOTES], batch_size=args.batch_size,
                        collate_fn=make_collate(tok, args.max_len))
    model, loader = acc.prepare(model, loader)
    model.eval()
    cut = torch.tensor(args.thresholds)
    tp = torch.zeros(len(TAGS))
    fp = torch.zeros(len(TAGS))
    fn = torch.zeros(len(TAGS))
    with torch.no_grad():
        for batch in loader:
            gold = batch.pop("labels")
            probs = torch.sigmoid(model(**batch).logits)
            probs, gold = acc.gather_for_metrics((probs, gold))
            hit = (probs >= cut).float()
            tp += (hit * gold).sum(0)
            fp += (hit * (1 - gold)).sum(0)
            fn += ((1 - hit) * gold).sum(0)
    f1 = 2 * tp / (2 * tp + fp + fn).clamp(min=1)
    for tag, score in zip(TAGS, f1.tolist()):
        acc.print(f"{tag:>12}: F1 {score:.3f}")


def parse_floats(text):
    return [float(x) for x in text.split(",")]


def main(argv=None):
    ap = argparse.ArgumentParser("hive-tagger")
    subs = ap.add_subparsers(dest="cmd", required=True)
    tr = subs.add_parser("train")
    tr.add_argument("--save-dir", required=True)
    tr.add_argument("--max-len", type=int, default=48)
    tr.add_argument("--hidden", type=int, default=32)
    tr.add_argument("--epochs", type=int, default=3)
    tr.add_argument("--batch-size", type=int, default=4)
    tr.add_argument("--lr", type=float, default=3e-4)
    tr.add_argument("--seed", type=int, default=3)
    tr.set_defaults(func=cmd_train)
    ev = subs.add_parser("evaluate")
    ev.add_argument("--save-dir", required=True)
    ev.add_argument("--max-len", type=int, default=48)
    ev.add_argument("--batch-size", type=int, default=4)
    ev.add_argument("--thresholds", type=parse_floats, default=[0.5] * len(TAGS))
    ev.set_defaults(func=cmd_evaluate)
    args = ap.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    ckpt = os.path.join(tempfile.mkdtemp(), "hive-tagger")
    main(["train", "--save-dir", ckpt, "--max-len", "32", "--epochs", "4"])
    main(["evaluate", "--save-dir", ckpt, "--max-len", "32", "--thresholds", "0.5,0.6"])
