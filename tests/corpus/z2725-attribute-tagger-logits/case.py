import os
from dataclasses import dataclass, field
from typing import List

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml
from transformers import BertConfig, BertModel, BertTokenizer

CFG_TEXT = """
tagger:
  tags: [O, B-COLOR, B-MATERIAL, B-FIT, B-PATTERN, B-SIZE, I-SIZE]
  max_length: 20
bert:
  hidden_size: 32
  num_hidden_layers: 1
  num_attention_heads: 2
  intermediate_size: 64
optim:
  lr: 0.001
  weight_decay: 0.01
  steps: 30
  batch_size: 8
rng_seed: 7
"""

LEXICON = {
    "B-COLOR": ["red", "black", "sage", "cream", "cobalt", "mustard"],
    "B-MATERIAL": ["silk", "cotton", "linen", "viscose", "leather"],
    "B-FIT": ["slim", "oversized", "regular", "cropped"],
    "B-PATTERN": ["striped", "floral", "plaid", "polka"],
}
GARMENTS = ["shirt", "dress", "trousers", "jacket", "skirt", "hoodie"]
FILLER = ["new", "season", "essential", "womens", "mens", "classic"]
SIZES = [("size", "s"), ("size", "m"), ("size", "l"), ("size", "xl")]


@dataclass
class TaggedTitle:
    words: List[str]
    tags: List[str] = field(default_factory=list)


def title_stream(rng, n):
    for _ in range(n):
        words, tags = [], []
        if rng.random() < 0.5:
            words.append(rng.choice(FILLER)); tags.append("O")
        for attr in rng.permutation(list(LEXICON))[: rng.integers(1, 4)]:
            words.append(rng.choice(LEXICON[attr])); tags.append(attr)
        words.append(rng.choice(GARMENTS)); tags.append("O")
        if rng.random() < 0.6:
            a, b = SIZES[rng.integers(len(SIZES))]
            words += [a, b]; tags += ["B-SIZE", "I-SIZE"]
        yield TaggedTitle(words, tags)


def build_vocab_file(path):
    toks = {w for vals in LEXICON.values() for w in vals}
    toks |= set(GARMENTS) | set(FILLER) | {w for pair in SIZES for w in pair}
    with open(path, "w") as f:
        for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(toks):
            f.write(t + "\n")


def encode(batch, tokenizer, tag2id, max_length):
    ids = torch.full((len(batch), max_length), tokenizer.pad_token_id, dtype=torch.long)
    mask = torch.zeros_like(ids)
    labels = torch.full_like(ids, -100)
    for row, ex in enumerate(batch):
        pieces = [tokenizer.cls_token_id]
        tags = [-100]
        for w, t in zip(ex.words, ex.tags):
            wp = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(w))
            pieces += wp
            tags += [tag2id[t]] + [-100] * (len(wp) - 1)
        pieces = pieces[: max_length - 1] + [tokenizer.sep_token_id]
        tags = tags[: max_length - 1] + [-100]
        ids[row, : len(pieces)] = torch.tensor(pieces)
        mask[row, : len(pieces)] = 1
        labels[row, : len(tags)] = torch.tensor(tags)
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


class AttributeTagger(nn.Module):
    def __init__(self, bert_kwargs, vocab_size, num_tags):
        super().__init__()
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, max_position_embeddings=64, **bert_kwargs))
        hid = bert_kwargs["hidden_size"]
        self.layers = nn.ModuleDict({
            "mix": nn.Linear(hid, hid),
            "emit": nn.Linear(hid, num_tags),
        })

    def forward(self, input_ids, attention_mask):
        seq = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        seq = F.gelu(self.layers["mix"](seq))
        seq = F.dropout(seq, p=0.1, training=self.training)
        return self.layers["emit"](seq)


def tagging_loss(emissions, labels):
    return F.cross_entropy(emissions, labels, ignore_index=-100)


def main():
    cfg = yaml.safe_load(CFG_TEXT)
    rng = np.random.default_rng(cfg["rng_seed"])
    torch.manual_seed(cfg["rng_seed"])

    vocab_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attr_vocab.txt")
    build_vocab_file(vocab_file)
    tok = BertTokenizer(vocab_file)

    tag_list = cfg["tagger"]["tags"]
    tag2id = {t: i for i, t in enumerate(tag_list)}
    examples = list(title_stream(rng, 120))

    model = AttributeTagger(cfg["bert"], tok.vocab_size, len(tag_list))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["optim"]["lr"],
                            weight_decay=cfg["optim"]["weight_decay"])
    bs = cfg["optim"]["batch_size"]

    model.train()
    for step in range(cfg["optim"]["steps"]):
        pick = rng.choice(len(examples), size=bs, replace=False)
        batch = encode([examples[i] for i in pick], tok, tag2id, cfg["tagger"]["max_length"])
        emissions = model(batch["input_ids"], batch["attention_mask"])
        loss = tagging_loss(emissions, batch["labels"])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 10 == 0:
            print(f"step {step:3d} loss {loss.item():.4f}")

    model.eval()
    sample = encode(examples[:4], tok, tag2id, cfg["tagger"]["max_length"])
    with torch.no_grad():
        pred = model(sample["input_ids"], sample["attention_mask"]).argmax(-1)
    for ex, row in zip(examples[:4], pred):
        print(" ".join(f"{w}/{tag_list[int(p)]}" for w, p in zip(ex.words, row[1:])))


if __name__ == "__main__":
    main()
