import os
import random
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

random.seed(0)
torch.manual_seed(0)

TAGS = ["O", "HOUSE", "STREET", "UNIT", "CITY", "POSTCODE"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

STREETS = ["baker street", "high road", "mill lane", "church street", "station road", "park avenue"]
CITIES = ["london", "leeds", "bristol", "york", "bath"]
BASE_VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ",", "flat", "apt", "unit"] + \
    sorted({w for s in STREETS for w in s.split()} | set(CITIES)) + [str(i) for i in range(1, 100)]
# unit numbers and postcodes are normalised to placeholder tokens before tagging
PLACEHOLDERS = ["<unit_no>", "<postcode>"]


def make_address():
    words, tags = [], []
    if random.random() < 0.5:
        words += [random.choice(["flat", "apt", "unit"]), "<unit_no>", ","]
        tags += ["UNIT", "UNIT", "O"]
    house = str(random.randint(1, 99))
    street = random.choice(STREETS).split()
    words += [house] + street + [",", random.choice(CITIES), "<postcode>"]
    tags += ["HOUSE"] + ["STREET"] * len(street) + ["O", "CITY", "POSTCODE"]
    return words, [TAG2ID[t] for t in tags]


@dataclass
class TrainConfig:
    hidden_size: int = 48
    layers: int = 2
    heads: int = 4
    lr: float = 5e-4
    epochs: int = 2
    batch_size: int = 8


class AddressTaggerTrainer:
    def __init__(self, cfg, tokenizer, model):
        self.cfg = cfg
        self.tok = tokenizer
        self.model = model
        self.opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    def collate(self, batch):
        words = [w for w, _ in batch]
        enc = self.tok(words, is_split_into_words=True, padding=True, return_tensors="pt")
        labels = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
        for b, (_, tags) in enumerate(batch):
            prev = None
            for pos, wid in enumerate(enc.word_ids(b)):
                if wid is not None and wid != prev:
                    labels[b, pos] = tags[wid]
                prev = wid
        enc["labels"] = labels
        return enc

    def fit(self, examples):
        loader = DataLoader(examples, batch_size=self.cfg.batch_size, shuffle=True, collate_fn=self.collate)
        self.model.train()
        for epoch in range(self.cfg.epochs):
            total = 0.0
            for batch in loader:
                out = self.model(**batch)
                out.loss.backward()
                self.opt.step()
                self.opt.zero_grad()
                total += out.loss.item()
            print(f"epoch {epoch} loss={total / len(loader):.4f}")

    @torch.no_grad()
    def tag(self, words):
        self.model.eval()
        enc = self.tok([words], is_split_into_words=True, return_tensors="pt")
        pred = self.model(**enc).logits.argmax(-1)[0]
        return [TAGS[p] for p in pred.tolist()]


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp()
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(BASE_VOCAB) + "\n")
    return BertTokenizerFast(path, do_lower_case=True)


if __name__ == "__main__":
    cfg = TrainConfig()
    tokenizer = build_tokenizer()
    model_config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=cfg.hidden_size,
        num_hidden_layers=cfg.layers,
        num_attention_heads=cfg.heads,
        intermediate_size=cfg.hidden_size * 2,
        max_position_embeddings=64,
        num_labels=len(TAGS),
    )
    model = BertForTokenClassification(model_config)
    tokenizer.add_special_tokens({"additional_special_tokens": PLACEHOLDERS})
    model.resize_token_embeddings(len(tokenizer))

    data = [make_address() for _ in range(40)]
    trainer = AddressTaggerTrainer(cfg, tokenizer, model)
    trainer.fit(data)
    print(trainer.tag(["flat", "<unit_no>", ",", "12", "baker", "street", ",", "london", "<postcode>"]))
