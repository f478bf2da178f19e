"""Fine-tune a tiny BERT tagger on museum mineral-specimen labels.

Each label card is split into words and every word gets a tag: MINERAL, LOCALITY,
COLLECTOR or O. We train a token classifier with the HF Trainer so the catalogue
team can pre-fill the specimen database from scanned cards.
"""
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

TAGS = ["O", "MINERAL", "LOCALITY", "COLLECTOR"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

CARDS = [
    ("fluorite on quartz from weardale coll . hartley", "M O M O L O O C"),
    ("azurite with malachite bisbee arizona coll . ruiz", "M O M L L O O C"),
    ("pyrite cubes navajun spain", "M O L L"),
    ("rhodochrosite sweet home mine colorado coll . okafor", "M L L L L O O C"),
    ("tourmaline from minas gerais", "M O L L"),
    ("galena and sphalerite from joplin missouri coll . hartley", "M O M O L L O O C"),
    ("wulfenite red cloud mine arizona", "M L L L L"),
    ("calcite on fluorite weardale", "M O M L"),
]
ABBR = {"M": "MINERAL", "L": "LOCALITY", "C": "COLLECTOR", "O": "O"}

MAX_TAG_LEN = 24  # longest card we have seen in the archive, in word pieces


def build_tokenizer():
    words = sorted({w for text, _ in CARDS for w in text.split()})
    tmp = tempfile.mkdtemp(prefix="mineral_vocab_")
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


class SpecimenCards(Dataset):
    def __init__(self, cards, tok):
        self.rows = []
        for text, tag_str in cards:
            words = text.split()
            tags = [TAG2ID[ABBR[t]] for t in tag_str.split()]
            enc = tok(words, is_split_into_words=True)
            word_tags = [-100 if w is None else tags[w] for w in enc.word_ids()]
            self.rows.append({"input_ids": enc["input_ids"],
                              "attention_mask": enc["attention_mask"],
                              "labels": word_tags})

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        return self.rows[idx]


class CardCollator:
    """Pads the encodings with the tokenizer and the tag sequences by hand."""

    def __init__(self, tok, max_tags=MAX_TAG_LEN):
        self.tok = tok
        self.max_tags = max_tags

    def __call__(self, feats):
        enc = self.tok.pad(
            [{"input_ids": f["input_ids"], "attention_mask": f["attention_mask"]} for f in feats],
            padding="longest",
            return_tensors="pt",
        )
        seq_len = enc["input_ids"].shape[1]
        tag_rows = []
        for f in feats:
            row = f["labels"] + [-100] * (seq_len - len(f["labels"]))
            tag_rows.append(row)
        enc["labels"] = torch.tensor(tag_rows, dtype=torch.long)
        return enc


def main():
    tok = build_tokenizer()
    print(f"vocab size: {tok.vocab_size}")
    train_ds = SpecimenCards(CARDS, tok)
    print(f"{len(train_ds)} training cards")

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(TAGS))
    model = BertForTokenClassification(cfg)

    out_dir = tempfile.mkdtemp(prefix="mineral_tagger_")
    args = TrainingArguments(
        output_dir=out_dir,
        per_device_train_batch_size=4,
        num_train_epochs=1,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds,
                      data_collator=CardCollator(tok))
    result = trainer.train()
    print(f"done, train loss {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
