"""Flag beehive inspection records that call for requeening. Each record has three
parts (hive header, what was seen, what was done) encoded as separate segments."""
import argparse
import os
import random
import tempfile

import torch
from torch import nn
from torch.utils.data import DataLoader
from accelerate import Accelerator
from transformers import BertConfig, BertModel, BertTokenizer

RECORDS = [
    ("hive 3 apiary north", "no eggs seen , queen cells capped", "added frame of brood", 1),
    ("hive 7 apiary north", "brood pattern solid , calm bees", "added super", 0),
    ("hive 1 apiary river", "drone laying , spotty brood", "marked for new queen", 1),
    ("hive 4 apiary river", "good stores , queen seen", "none", 0),
    ("hive 9 apiary hill", "queenless roar , no eggs", "combined with hive 8", 1),
    ("hive 2 apiary hill", "varroa low , brood solid", "sugar roll done", 0),
    ("hive 5 apiary north", "supersedure cells on frame 4", "left alone", 1),
    ("hive 6 apiary river", "calm bees , queen seen , eggs", "added super", 0),
]


class Experiment:
    def __init__(self, accelerator, tokenizer, model, optimizer, loader):
        self.accelerator = accelerator
        self.tokenizer = tokenizer
        self.model = model
        self.optimizer = optimizer
        self.loader = loader


class HiveClassifier(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config)
        self.head = nn.Linear(config.hidden_size, 2)

    def forward(self, ids, part_ids, attn):
        out = self.encoder(input_ids=ids, token_type_ids=part_ids, attention_mask=attn)
        return self.head(out.pooler_output)


def build_tokenizer(workdir):
    words = sorted({w for rec in RECORDS for part in rec[:3] for w in part.split()})
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def encode_record(tokenizer, header, seen, done):
    """[CLS] header [SEP] seen [SEP] done [SEP], one segment id per part."""
    ids, part_ids = [tokenizer.cls_token_id], [0]
    for seg, text in enumerate((header, seen, done)):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text)) + [tokenizer.sep_token_id]
        ids += piece
        part_ids += [seg] * len(piece)
    return ids, part_ids


def iter_examples(tokenizer):
    for header, seen, done, flag in RECORDS:
        ids, part_ids = encode_record(tokenizer, header, seen, done)
        yield {"ids": ids, "part_ids": part_ids, "flag": flag}


def collate(batch, pad_id):
    width = max(len(ex["ids"]) for ex in batch)
    out = {"ids": [], "part_ids": [], "attn": []}
    for ex in batch:
        gap = width - len(ex["ids"])
        out["ids"].append(ex["ids"] + [pad_id] * gap)
        out["part_ids"].append(ex["part_ids"] + [0] * gap)
        out["attn"].append([1] * len(ex["ids"]) + [0] * gap)
    out = {k: torch.tensor(v) for k, v in out.items()}
    out["flag"] = torch.tensor([ex["flag"] for ex in batch])
    return out


def make_experiment(args):
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    accelerator = Accelerator(cpu=True)
    tokenizer = build_tokenizer(tempfile.mkdtemp(prefix="apiary_"))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        type_vocab_size=3)
    model = HiveClassifier(config)
    accelerator.print(f"encoder: vocab={config.vocab_size} token types={config.type_vocab_size}")
    data = list(iter_examples(tokenizer))
    loader = DataLoader(data, batch_size=args.batch_size, shuffle=True,
                        collate_fn=lambda b: collate(b, tokenizer.pad_token_id))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)
    return Experiment(accelerator, tokenizer, model, optimizer, loader)


def train(exp, args):
    loss_fn = nn.CrossEntropyLoss()
    exp.model.train()
    for epoch in range(args.epochs):
        total = 0.0
        for batch in exp.loader:
            logits = exp.model(batch["ids"], batch["part_ids"], batch["attn"])
            loss = loss_fn(logits, batch["flag"])
            exp.accelerator.backward(loss)
            exp.optimizer.step()
            exp.optimizer.zero_grad()
            total += loss.item()
        exp.accelerator.print(f"epoch {epoch}: loss {total / len(exp.loader):.4f}")


@torch.no_grad()
def evaluate(exp, args):
    exp.model.eval()
    hits = n = 0
    for batch in exp.loader:
        pred = exp.model(batch["ids"], batch["part_ids"], batch["attn"]).argmax(-1)
        hits += (pred == batch["flag"]).sum().item()
        n += pred.numel()
    exp.accelerator.print(f"accuracy {hits / n:.3f} on {n} records")


def run(args):
    exp = make_experiment(args)
    if args.command == "train":
        train(exp, args)
        evaluate(exp, args)
    elif args.command == "evaluate":
        evaluate(exp, args)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="hive-requeen")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("train", "evaluate"):
        sp = sub.add_parser(name)
        sp.add_argument("--epochs", type=int, default=2)
        sp.add_argument("--batch-size", type=int, default=4)
        sp.add_argument("--lr", type=float, default=1e-3)
        sp.add_argument("--seed", type=int, default=11)
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main(["train"])
