"""hivecheck: classify apiary inspection notes into colony status.

Small transformer encoder written in plain PyTorch, trained from the CLI.
"""
import argparse
import random
from dataclasses import dataclass

import torch
import torch.nn as nn

HIVE_STATES = ["queenright", "queenless", "swarm_prep", "varroa_load", "robbing"]

NOTES = [
    ("eggs and young larvae seen queen spotted on frame four", "queenright"),
    ("no eggs no open brood bees roaring when lid removed", "queenless"),
    ("queen cells along bottom bars colony crowded", "swarm_prep"),
    ("mite drop high on sticky board deformed wings seen", "varroa_load"),
    ("fighting at entrance wax cappings torn on stores", "robbing"),
    ("capped brood in good pattern calm bees", "queenright"),
    ("laying workers multiple eggs per cell", "queenless"),
    ("sugar roll count nine mites per hundred bees", "varroa_load"),
    ("strange bees darting at entrance stores emptied fast", "robbing"),
    ("charged queen cups and backfilled brood nest", "swarm_prep"),
]


@dataclass
class ModelSpec:
    vocab_size: int
    num_classes: int
    dim: int = 32
    heads: int = 2
    layers: int = 1


class NoteEncoder(nn.Module):
    def __init__(self, spec: ModelSpec):
        super().__init__()
        self.embed = nn.Embedding(spec.vocab_size, spec.dim, padding_idx=0)
        block = nn.TransformerEncoderLayer(spec.dim, spec.heads, dim_feedforward=spec.dim * 2,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(block, spec.layers)
        self.classify = nn.Linear(spec.dim, spec.num_classes)

    def forward(self, token_ids, pad_mask):
        hidden = self.encoder(self.embed(token_ids), src_key_padding_mask=pad_mask)
        keep = (~pad_mask).unsqueeze(-1).float()
        pooled = (hidden * keep).sum(1) / keep.sum(1)
        return self.classify(pooled)


def build_vocab(texts):
    vocab = {"<pad>": 0, "<unk>": 1}
    for text in texts:
        for word in text.split():
            vocab.setdefault(word, len(vocab))
    return vocab


def collate(rows, vocab):
    seqs = [[vocab.get(w, 1) for w in text.split()] for text, _ in rows]
    width = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), width, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s)
    return {
        "token_ids": ids,
        "pad_mask": ids.eq(0),
        "status": torch.tensor([HIVE_STATES.index(lab) for _, lab in rows]),
    }


def make_model(vocab_size, num_classes, dim, **_):
    return NoteEncoder(ModelSpec(vocab_size=vocab_size, num_classes=num_classes, dim=dim))


def run_train(args):
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    vocab = build_vocab(t for t, _ in NOTES)
    model = make_model(len(vocab), **vars(args))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    print(f"vocab={len(vocab)} params={sum(p.numel() for p in model.parameters())}")

    for epoch in range(1, args.epochs + 1):
        rows = NOTES[:]
        random.shuffle(rows)
        running = 0.0
        for start in range(0, len(rows), args.batch_size):
            batch = collate(rows[start:start + args.batch_size], vocab)
            status = batch.pop("status")
            logits = model(**batch)
            loss = loss_fn(logits, status)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch}: loss={running:.3f}")
    return model, vocab


def run_evaluate(args):
    model, vocab = run_train(args)
    model.eval()
    with torch.no_grad():
        batch = collate(NOTES, vocab)
        gold = batch.pop("status")
        pred = model(**batch).argmax(-1)
    print(f"train-set accuracy: {(pred == gold).float().mean():.2f}")


def build_cli():
    cli = argparse.ArgumentParser(description="apiary inspection classifier")
    commands = cli.add_subparsers(dest="cmd", required=True)
    for name, fn in (("train", run_train), ("evaluate", run_evaluate)):
        p = commands.add_parser(name)
        p.add_argument("--num-classes", type=int, default=len(HIVE_STATES))
        p.add_argument("--dim", type=int, default=32)
        p.add_argument("--epochs", type=int, default=5)
        p.add_argument("--batch-size", type=int, default=5)
        p.add_argument("--lr", type=float, default=1e-3)
        p.add_argument("--seed", type=int, default=11)
        p.set_defaults(func=fn)
    return cli


def main(argv):
    args = build_cli().parse_args(argv)
    print(f"running {args.cmd} with {vars(args)}")
    args.func(args)


if __name__ == "__main__":
    main(["evaluate", "--num-classes", "4", "--dim", "32", "--epochs", "4", "--batch-size", "5"])
