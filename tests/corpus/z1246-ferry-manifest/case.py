"""Deck-lane assignment for ferry bookings.

Each booking is packed as [CLS] route [SEP] passengers [SEP] vehicle [SEP] and fed
to a small BERT encoder with a linear head on the [CLS] vector.
"""
import argparse
import functools
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

LANES = ["upper_car_deck", "main_deck", "hazmat_lane"]
SECTIONS = ("route", "passengers", "vehicle")

BOOKINGS = [
    ({"route": "ardrossan to brodick", "passengers": "two adults one dog",
      "vehicle": "small hatchback"}, "upper_car_deck"),
    ({"route": "oban to craignure", "passengers": "one driver",
      "vehicle": "fuel tanker diesel load"}, "hazmat_lane"),
    ({"route": "uig to tarbert", "passengers": "family of four",
      "vehicle": "camper van with roof box"}, "main_deck"),
    ({"route": "oban to craignure", "passengers": "two adults",
      "vehicle": "estate car"}, "upper_car_deck"),
    ({"route": "ardrossan to brodick", "passengers": "one driver",
      "vehicle": "gas cylinders on flatbed"}, "hazmat_lane"),
    ({"route": "uig to tarbert", "passengers": "coach party driver",
      "vehicle": "coach"}, "main_deck"),
]


def make_tokenizer(bookings):
    words = sorted({w for b, _ in bookings for part in b.values() for w in part.split()})
    folder = tempfile.mkdtemp(prefix="ferry-vocab-")
    vocab_file = os.path.join(folder, "vocab.txt")
    with open(vocab_file, "w") as out:
        out.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(vocab_file)


def pack_booking(tokenizer, booking):
    ids = [tokenizer.cls_token_id]
    segs = [0]
    for seg_no, section in enumerate(SECTIONS):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(booking[section]))
        piece.append(tokenizer.sep_token_id)
        ids.extend(piece)
        segs.extend([seg_no] * len(piece))
    return ids, segs


def collate(tokenizer, rows):
    packed = [pack_booking(tokenizer, b) for b, _ in rows]
    width = max(len(ids) for ids, _ in packed)
    out = {
        "input_ids": torch.full((len(rows), width), tokenizer.pad_token_id),
        "token_type_ids": torch.zeros(len(rows), width, dtype=torch.long),
        "attention_mask": torch.zeros(len(rows), width, dtype=torch.long),
    }
    for row, (ids, segs) in enumerate(packed):
        out["input_ids"][row, :len(ids)] = torch.tensor(ids)
        out["token_type_ids"][row, :len(segs)] = torch.tensor(segs)
        out["attention_mask"][row, :len(ids)] = 1
    lanes = torch.tensor([LANES.index(lane) for _, lane in rows])
    return out, lanes


class LaneClassifier(nn.Module):
    def __init__(self, vocab_size, hidden, type_vocab_size, **_):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=hidden * 2,
                         max_position_embeddings=64, type_vocab_size=type_vocab_size)
        self.bert = BertModel(cfg)
        self.head = nn.Linear(hidden, len(LANES))

    def forward(self, **enc):
        cls_vec = self.bert(**enc).last_hidden_state[:, 0]
        return self.head(cls_vec)


def cmd_train(opts):
    torch.manual_seed(opts.seed)
    tok = make_tokenizer(BOOKINGS)
    batchify = functools.partial(collate, tok)
    model = LaneClassifier(tok.vocab_size, **vars(opts))
    optimizer = torch.optim.AdamW(model.parameters(), lr=opts.lr)
    for epoch in range(opts.epochs):
        epoch_loss = 0.0
        for i in range(0, len(BOOKINGS), opts.batch_size):
            enc, lanes = batchify(BOOKINGS[i:i + opts.batch_size])
            loss = nn.functional.cross_entropy(model(**enc), lanes)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            epoch_loss += loss.item()
        print(f"epoch {epoch + 1}/{opts.epochs} loss={epoch_loss:.4f}")
    return model, batchify


def cmd_evaluate(opts):
    model, batchify = cmd_train(opts)
    model.eval()
    enc, lanes = batchify(BOOKINGS)
    with torch.no_grad():
        guess = model(**enc).argmax(dim=-1)
    for (booking, lane), g in zip(BOOKINGS, guess.tolist()):
        print(f"{booking['vehicle']:<28} gold={lane:<15} pred={LANES[g]}")


def get_parser():
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument("--hidden", type=int, default=32)
    shared.add_argument("--type-vocab-size", type=int, default=2)
    shared.add_argument("--seed", type=int, default=3)

    parser = argparse.ArgumentParser(prog="ferrylane")
    subs = parser.add_subparsers(dest="action", required=True)
    p_train = subs.add_parser("train", parents=[shared])
    p_train.add_argument("--epochs", type=int, default=4)
    p_train.add_argument("--batch-size", type=int, default=3)
    p_train.add_argument("--lr", type=float, default=5e-4)
    p_train.set_defaults(func=cmd_train)
    p_eval = subs.add_parser("evaluate", parents=[shared])
    p_eval.add_argument("--epochs", type=int, default=4)
    p_eval.add_argument("--batch-size", type=int, default=3)
    p_eval.add_argument("--lr", type=float, default=5e-4)
    p_eval.set_defaults(func=cmd_evaluate)
    return parser


def main(argv):
    opts = get_parser().parse_args(argv)
    opts.func(opts)


if __name__ == "__main__":
    main(["evaluate", "--hidden", "32", "--epochs", "3", "--batch-size", "2"])
