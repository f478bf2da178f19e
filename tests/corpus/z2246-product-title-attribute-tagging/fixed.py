import os
import random
from dataclasses import dataclass, field

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class TaggerConfig:
    vocab_path: str = os.path.join(HERE, "catalog_vocab.txt")
    max_title_len: int = 24
    hidden_size: int = 48
    num_layers: int = 1
    num_heads: int = 2
    batch_size: int = 16
    lr: float = 5e-4
    epochs: int = 2
    seed: int = 13
    tags: list = field(default_factory=lambda: [
        "O", "B-BRAND", "I-BRAND", "B-COLOR", "I-COLOR", "B-SIZE", "I-SIZE", "B-MATERIAL", "I-MATERIAL",
    ])


BRANDS = [["north", "face"], ["under", "armour"], ["nike"], ["uniqlo"], ["le", "creuset"], ["patagonia"]]
COLORS = [["navy", "blue"], ["black"], ["heather", "grey"], ["olive"], ["off", "white"], ["red"]]
SIZES = [["xl"], ["medium"], ["size", "10"], ["32", "x", "34"], ["one", "size"], ["small"]]
MATERIALS = [["cotton"], ["merino", "wool"], ["cast", "iron"], ["recycled", "polyester"], ["leather"]]
PRODUCT_WORDS = ["jacket", "hoodie", "sneakers", "dutch", "oven", "jeans", "tee", "fleece", "beanie", "men's",
                 "women's", "zip", "crew", "neck", "lightweight", "new", "sale"]


def write_vocab(path, extra_words):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted(set(extra_words))
    with open(path, "w") as f:
        f.write("\n".join(specials + words) + "\n")


def synth_title(rng):
    spans = [("BRAND", rng.choice(BRANDS)), ("COLOR", rng.choice(COLORS)),
             ("MATERIAL", rng.choice(MATERIALS)), ("SIZE", rng.choice(SIZES))]
    rng.shuffle(spans)
    words, tags = [], []
    for attr, span in spans:
        if rng.random() < 0.4:
            filler = rng.sample(PRODUCT_WORDS, k=rng.randint(1, 2))
            words += filler
            tags += ["O"] * len(filler)
        if rng.random() < 0.85:
            words += span
            tags += [f"B-{attr}"] + [f"I-{attr}"] * (len(span) - 1)
    return words, tags


def align_tags(encoding, word_tags, tag2id):
    aligned = []
    for i, tags in enumerate(word_tags):
        prev = None
        row = []
        for wid in encoding.word_ids(i):
            if wid is None or wid == prev:
                row.append(-100)
            else:
                row.append(tag2id[tags[wid]])
            prev = wid
        aligned.append(row)
    return torch.tensor(aligned, dtype=torch.long)


def make_collate(tokenizer, cfg, tag2id):
    def collate(batch):
        words = [b[0] for b in batch]
        tags = [b[1] for b in batch]
        enc = tokenizer(words, is_split_into_words=True, padding="max_length", truncation=True,
                        max_length=cfg.max_title_len, return_tensors="pt")
        enc["labels"] = align_tags(enc, tags, tag2id)
        return enc
    return collate


class AttributeTagger(nn.Module):
    def __init__(self, cfg, vocab_size):
        super().__init__()
        bert_cfg = BertConfig(vocab_size=vocab_size, hidden_size=cfg.hidden_size,
                              num_hidden_layers=cfg.num_layers, num_attention_heads=cfg.num_heads,
                              intermediate_size=cfg.hidden_size * 2, max_position_embeddings=64)
        self.encoder = BertModel(bert_cfg, add_pooling_layer=False)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(cfg.hidden_size, len(cfg.tags))
        self.loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

    def forward(self, input_ids, attention_mask, token_type_ids=None, labels=None):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        logits = self.classifier(self.dropout(out.last_hidden_state))
        loss = None
        if labels is not None:
            loss = self.loss_fn(logits.view(-1, logits.size(-1)), labels.view(-1))
        return loss, logits


def main():
    cfg = TaggerConfig()
    rng = random.Random(cfg.seed)
    torch.manual_seed(cfg.seed)

    all_words = [w for group in (BRANDS, COLORS, SIZES, MATERIALS) for span in group for w in span]
    write_vocab(cfg.vocab_path, all_words + PRODUCT_WORDS)
    tokenizer = BertTokenizer(cfg.vocab_path)

    tag2id = {t: i for i, t in enumerate(cfg.tags)}
    titles = [synth_title(rng) for _ in range(400)]
    train_dl = DataLoader(titles[:320], batch_size=cfg.batch_size, shuffle=True,
                          collate_fn=make_collate(tokenizer, cfg, tag2id))
    dev_dl = DataLoader(titles[320:], batch_size=cfg.batch_size,
                        collate_fn=make_collate(tokenizer, cfg, tag2id))

    model = AttributeTagger(cfg, tokenizer.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

    for epoch in range(cfg.epochs):
        model.train()
        for step, batch in enumerate(train_dl):
            loss, _ = model(**batch)
            optim.zero_grad()
            loss.backward()
            optim.step()
            if step % 10 == 0:
                print(f"epoch {epoch} step {step} loss {loss.item():.4f}")

        model.eval()
        hit = n = 0
        with torch.no_grad():
            for batch in dev_dl:
                _, logits = model(**batch)
                keep = batch["labels"] != -100
                hit += (logits.argmax(-1)[keep] == batch["labels"][keep]).sum().item()
                n += keep.sum().item()
        print(f"epoch {epoch} dev token acc {hit / max(n, 1):.3f}")


if __name__ == "__main__":
    main()
