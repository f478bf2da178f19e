import os
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))

TAGS = ["O", "B-CALLSIGN", "I-CALLSIGN", "B-ALT", "B-HDG", "B-RWY", "B-FREQ"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

MODEL_CFG = dict(
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
)

CALLSIGNS = ["speedbird", "lufthansa", "delta", "ryanair", "easy", "united"]
NUMBERS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "niner", "zero"]
FILLER = ["roger", "wilco", "contact", "approach", "tower", "ground", "climb", "descend",
          "maintain", "turn", "left", "right", "heading", "runway", "cleared", "land",
          "flight", "level", "on", "to", "and", "say", "again", "traffic", "report"]


def write_vocab(path):
    words = sorted(set(CALLSIGNS + NUMBERS + FILLER))
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        f.write("\n".join(special + words) + "\n")


def synth_transmission(n_instructions):
    words, tags = [], []
    cs = random.choice(CALLSIGNS)
    words += [cs] + random.sample(NUMBERS, 2)
    tags += ["B-CALLSIGN", "I-CALLSIGN", "I-CALLSIGN"]
    for _ in range(n_instructions):
        kind = random.choice(["alt", "hdg", "rwy", "freq"])
        if kind == "alt":
            words += ["climb", "flight", "level", random.choice(NUMBERS)]
            tags += ["O", "O", "O", "B-ALT"]
        elif kind == "hdg":
            words += ["turn", random.choice(["left", "right"]), "heading", random.choice(NUMBERS)]
            tags += ["O", "O", "O", "B-HDG"]
        elif kind == "rwy":
            words += ["cleared", "land", "runway", random.choice(NUMBERS)]
            tags += ["O", "O", "O", "B-RWY"]
        else:
            words += ["contact", "approach", random.choice(NUMBERS)]
            tags += ["O", "O", "B-FREQ"]
        words.append(random.choice(["and", "report", "roger"]))
        tags.append("O")
    return words, tags


class TranscriptDataset(Dataset):
    def __init__(self, samples, tokenizer):
        self.samples = samples
        self.tok = tokenizer

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        words, tags = self.samples[idx]
        enc = self.tok(words, is_split_into_words=True, truncation=True,
                       max_length=MODEL_CFG["max_position_embeddings"])
        word_ids = enc.word_ids()
        labels = [-100 if w is None else TAG2ID[tags[w]] for w in word_ids]
        return {"input_ids": enc["input_ids"], "labels": labels}


def collate(batch):
    max_len = max(len(b["input_ids"]) for b in batch)
    ids = torch.zeros(len(batch), max_len, dtype=torch.long)
    labels = torch.full((len(batch), max_len), -100, dtype=torch.long)
    attn = torch.zeros(len(batch), max_len, dtype=torch.long)
    for i, b in enumerate(batch):
        n = len(b["input_ids"])
        ids[i, :n] = torch.tensor(b["input_ids"])
        labels[i, :n] = torch.tensor(b["labels"])
        attn[i, :n] = 1
    return {"input_ids": ids, "attention_mask": attn, "labels": labels}


def main():
    vocab_path = os.path.join(HERE, "atc_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    # short tower clearances plus a few long approach-sector sequences
    samples = [synth_transmission(random.randint(1, 4)) for _ in range(48)]
    samples += [synth_transmission(random.randint(14, 18)) for _ in range(8)]
    random.shuffle(samples)

    ds = TranscriptDataset(samples, tokenizer)
    loader = DataLoader(ds, batch_size=8, shuffle=True, collate_fn=collate)

    config = BertConfig(vocab_size=tokenizer.vocab_size, num_labels=len(TAGS), **MODEL_CFG)
    model = BertForTokenClassification(config)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(2):
        total = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            total += out.loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
