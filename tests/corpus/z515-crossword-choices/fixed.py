"""Rank candidate fills for cryptic crossword clues with a multiple-choice BERT head.

Each clue comes with four candidate answers (from the solver's pattern matcher);
the model scores clue/candidate pairs and we train it to pick the right fill.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForMultipleChoice, BertTokenizer

random.seed(21)
torch.manual_seed(21)


@dataclass
class ClueItem:
    clue: str
    options: list
    answer_idx: int


PUZZLE = [
    ClueItem("flower of london perhaps", ["thames", "tulips", "daisy", "orchid"], 0),
    ClueItem("cold dish served at a party", ["salad", "sorbet", "gazpacho", "aspic"], 2),
    ClueItem("bird that sounds like a swallow", ["gulp", "tern", "wren", "swift"], 0),
    ClueItem("one who takes the bait at the bank", ["angler", "teller", "robber", "lender"], 0),
    ClueItem("composer found in the garden", ["bach", "elgar", "weed", "holst"], 0),
    ClueItem("a number that is numb", ["ether", "seven", "dozen", "number"], 3),
]


def write_vocab(items):
    tokens = set()
    for it in items:
        tokens.update(it.clue.split())
        for opt in it.options:
            tokens.update(opt.split())
    folder = tempfile.mkdtemp(prefix="xword_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(tokens)))
    return path


def make_collate(tokenizer, max_len=20):
    def pairs_for(item):
        return [(item.clue, opt) for opt in item.options]

    def collate(items):
        firsts, seconds = [], []
        for it in items:
            for clue, opt in pairs_for(it):
                firsts.append(clue)
                seconds.append(opt)
        enc = tokenizer(firsts, seconds, padding="max_length", truncation=True,
                        max_length=max_len, return_tensors="pt")
        n_opts = len(items[0].options)
        out = {k: v.view(len(items), n_opts, -1) for k, v in enc.items()}
        targets = []
        for it in items:
            targets.append(it.answer_idx)
        out["labels"] = torch.tensor(targets, dtype=torch.long)
        return out

    return collate


def evaluate(model, loader):
    model.eval()
    hits, total = 0, 0
    with torch.no_grad():
        for batch in loader:
            gold = batch.pop("labels")
            picks = model(**batch).logits.argmax(-1)
            hits += (picks == gold).sum().item()
            total += gold.numel()
    return hits / max(total, 1)


def main():
    tokenizer = BertTokenizer(write_vocab(PUZZLE))
    cfg = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
    model = BertForMultipleChoice(cfg)

    loader = DataLoader(PUZZLE, batch_size=2, shuffle=True, collate_fn=make_collate(tokenizer))
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-4)

    step = 0
    for epoch in range(3):
        model.train()
        for batch in loader:
            result = model(**batch)
            result.loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            step += 1
            if step % 2 == 0:
                print(f"epoch {epoch} step {step} loss {result.loss.item():.4f}")

    print("fill accuracy:", evaluate(model, loader))


if __name__ == "__main__":
    main()
