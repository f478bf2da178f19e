"""Hazmat manifest tagger, ported from our old CRFsuite pipeline to BERT + HF Trainer.

The CRF version took (words, tags) pairs straight from the annotation export and
ran a feature Vectorizer over them.  Here the Vectorizer turns the same pairs into
model inputs and the Estimator wraps the HF Trainer so the calling code can still
say .fit(X, y) like before.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(13)
torch.manual_seed(13)

# small wordpiece vocab exported from the shared tokenizer project
WORDPIECES = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
              "12", "4", "20", "200", "1", "drums", "drum", "cylinders", "totes", "boxes",
              "of", "gas", "##oline", "acet", "##one", "prop", "##ane", "chlor", "##ine",
              "lith", "##ium", "batteries", "un", "##12", "##03", "##10", "##90", "##17",
              "##19", "##78", "##20", "class", "3", "2", "8", "9", "kg", "l", "net", "sulf", "##uric",
              "acid", "x"]

# same format the CRF feature extractor consumed: whitespace words + one tag per word
MANIFEST = [
    ("12 drums of gasoline UN1203 class 3", ["QTY", "PKG", "O", "SUBST", "UNNUM", "O", "HZ"]),
    ("4 cylinders of propane UN1978 class 2", ["QTY", "PKG", "O", "SUBST", "UNNUM", "O", "HZ"]),
    ("20 totes acetone UN1090 class 3 net 200 l", ["QTY", "PKG", "SUBST", "UNNUM", "O", "HZ", "O", "QTY", "O"]),
    ("1 drum chlorine UN1017 class 2", ["QTY", "PKG", "SUBST", "UNNUM", "O", "HZ"]),
    ("200 kg lithium batteries class 9", ["QTY", "O", "SUBST", "SUBST", "O", "HZ"]),
    ("4 x 20 l sulfuric acid class 8", ["QTY", "O", "QTY", "O", "SUBST", "SUBST", "O", "HZ"]),
]


class TagVectorizer:
    """fit() learns the tag alphabet, transform() builds the feature rows (like sklearn)."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer
        self.tag_to_id = {}
        self.id_to_tag = []

    def fit(self, tagged_lines):
        for _, tags in tagged_lines:
            for t in tags:
                if t not in self.tag_to_id:
                    self.tag_to_id[t] = len(self.id_to_tag)
                    self.id_to_tag.append(t)
        return self

    def transform(self, tagged_lines):
        rows = []
        for line, tags in tagged_lines:
            enc = self.tokenizer(line)
            # one label per wordpiece: first piece of each word carries the word's tag,
            # continuation pieces and [CLS]/[SEP] are ignored by the loss
            tag_ids = []
            prev_word = None
            for w_idx in enc.word_ids():
                if w_idx is None or w_idx == prev_word:
                    tag_ids.append(-100)
                else:
                    tag_ids.append(self.tag_to_id[tags[w_idx]])
                prev_word = w_idx
            rows.append({"input_ids": enc["input_ids"],
                         "attention_mask": enc["attention_mask"],
                         "labels": tag_ids})
        return rows


class RowDataset(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def pad_column(rows, key, fill):
    longest = 0
    for r in rows:
        if len(r[key]) > longest:
            longest = len(r[key])
    out = []
    for r in rows:
        out.append(list(r[key]) + [fill] * (longest - len(r[key])))
    return torch.tensor(out, dtype=torch.long)


def collate_rows(rows):
    # CRFsuite took ragged sequences as-is, torch wants rectangular batches
    return {
        "input_ids": pad_column(rows, "input_ids", 0),
        "attention_mask": pad_column(rows, "attention_mask", 0),
        "labels": pad_column(rows, "labels", -100),
    }


class ManifestEstimator:
    def __init__(self, n_tags, vocab_size, workdir):
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, num_labels=n_tags)
        self.net = BertForTokenClassification(cfg)
        self.workdir = workdir

    def fit(self, rows, epochs=1):
        args = TrainingArguments(output_dir=os.path.join(self.workdir, "out"),
                                 per_device_train_batch_size=3, num_train_epochs=epochs,
                                 learning_rate=5e-4, logging_steps=1, save_strategy="no",
                                 disable_tqdm=True, report_to=[], use_cpu=True)
        trainer = Trainer(model=self.net, args=args, train_dataset=RowDataset(rows),
                          data_collator=collate_rows)
        result = trainer.train()
        print("train loss:", round(result.training_loss, 4))
        return self


def main():
    workdir = tempfile.mkdtemp()
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(WORDPIECES) + "\n")
    tokenizer = BertTokenizer(vocab_path)

    vec = TagVectorizer(tokenizer).fit(MANIFEST)
    print("tag alphabet:", vec.id_to_tag)
    rows = vec.transform(MANIFEST)
    print("rows:", len(rows), "first row ids:", rows[0]["input_ids"])

    est = ManifestEstimator(len(vec.id_to_tag), tokenizer.vocab_size, workdir)
    est.fit(rows, epochs=1)
    print("done")


if __name__ == "__main__":
    main()
