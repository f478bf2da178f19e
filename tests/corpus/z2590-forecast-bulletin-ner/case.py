"""Hazard/location/time span tagging in public forecast bulletins (word-level BIO tags)."""
import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
CFG = {
    "max_len": 64,
    "batch_size": 16,
    "lr": 5e-4,
    "epochs": 2,
    "seed": 3,
}
TAGS = ["O", "B-HAZ", "I-HAZ", "B-LOC", "I-LOC", "B-TIME", "I-TIME"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

HAZARDS = [["severe", "thunderstorm", "warning"], ["flash", "flood", "watch"], ["winter", "storm", "warning"],
           ["heat", "advisory"], ["dense", "fog", "advisory"], ["high", "wind", "warning"]]
PLACES = [["northern", "hill", "county"], ["coastal", "plains"], ["river", "valley"], ["lake", "district"],
          ["southeastern", "uplands"], ["metro", "area"]]
TIMES = [["until", "7", "pm"], ["through", "tuesday", "morning"], ["until", "midnight"],
         ["from", "noon", "to", "6", "pm"], ["through", "this", "evening"]]
FILLER = [["the", "national", "weather", "service", "has", "issued", "a"],
          ["forecasters", "have", "extended", "the"]]
TAILS = [["hail", "up", "to", "two", "inches", "possible"], ["visibility", "below", "one", "quarter", "mile"],
         ["gusts", "to", "60", "mph", "expected"], ["rainfall", "rates", "of", "2", "inches", "per", "hour"],
         ["avoid", "travel", "if", "possible"]]


def tag_span(words, kind):
    return [(w, ("B-" if i == 0 else "I-") + kind) for i, w in enumerate(words)]


def make_bulletin(rng):
    parts = [(w, "O") for w in rng.choice(FILLER)]
    parts += tag_span(rng.choice(HAZARDS), "HAZ")
    parts += [("for", "O")] + tag_span(rng.choice(PLACES), "LOC")
    if rng.random() < 0.5:
        parts += [("and", "O")] + tag_span(rng.choice(PLACES), "LOC")
    parts += tag_span(rng.choice(TIMES), "TIME")
    parts += [(w, "O") for w in rng.choice(TAILS)]
    words, tags = zip(*parts)
    return list(words), [TAG2ID[t] for t in tags]


def write_vocab(path):
    words = {w for group in (HAZARDS, PLACES, TIMES, FILLER, TAILS) for seq in group for w in seq}
    words.discard("southeastern")
    words.discard("thunderstorm")
    pieces = ["south", "##eastern", "thunder", "##storm", "for", "and"]
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(special + sorted(words) + pieces) + "\n")


class BulletinDataset(Dataset):
    def __init__(self, tokenizer, n, seed):
        rng = random.Random(seed)
        self.items = []
        for _ in range(n):
            words, tags = make_bulletin(rng)
            enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=CFG["max_len"])
            labels, prev = [], None
            for wid in enc.word_ids():
                if wid is None:
                    labels.append(-100)
                elif wid != prev:
                    labels.append(tags[wid])
                else:
                    labels.append(-100)
                prev = wid
            self.items.append({"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"],
                               "labels": labels})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def make_collate(tokenizer):
    def collate(features):
        batch = tokenizer.pad(
            [{"input_ids": f["input_ids"], "attention_mask": f["attention_mask"]} for f in features],
            padding="max_length", max_length=CFG["max_len"], return_tensors="pt",
        )
        longest = max(len(f["labels"]) for f in features)
        labels = torch.full((len(features), longest), -100, dtype=torch.long)
        for i, f in enumerate(features):
            labels[i, : len(f["labels"])] = torch.tensor(f["labels"])
        batch["labels"] = labels
        return batch
    return collate


def main():
    torch.manual_seed(CFG["seed"])
    vocab_path = os.path.join(HERE, "bulletin_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=CFG["max_len"],
                        num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id=TAG2ID)
    model = BertForTokenClassification(config)

    collate = make_collate(tokenizer)
    train_dl = DataLoader(BulletinDataset(tokenizer, 160, seed=1), batch_size=CFG["batch_size"],
                          shuffle=True, collate_fn=collate)
    val_dl = DataLoader(BulletinDataset(tokenizer, 48, seed=2), batch_size=CFG["batch_size"],
                        collate_fn=collate)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        model.train()
        for step, batch in enumerate(train_dl):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            if step % 5 == 0:
                print(f"epoch {epoch} step {step} loss {out.loss.item():.4f}")
        model.eval()
        hit = tot = 0
        with torch.no_grad():
            for batch in val_dl:
                pred = model(**batch).logits.argmax(-1)
                keep = batch["labels"] != -100
                hit += (pred[keep] == batch["labels"][keep]).sum().item()
                tot += keep.sum().item()
        print(f"epoch {epoch} val token acc {hit / tot:.3f}")


if __name__ == "__main__":
    main()
