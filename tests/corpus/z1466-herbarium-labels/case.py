"""Token tagger for digitised herbarium sheet labels: pull out taxon, collector,
locality and date so transcribers only have to check, not type.

Annotations are exported word-by-word from the transcription tool.
"""
import functools
import itertools
import operator
import os
import tempfile

import torch
import torch.nn.functional as F
import lightning as L
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

L.seed_everything(21, verbose=False)

# (sheet_id, word_index, word, tag)
WORD_TAGS = [
    ("K-0012", 0, "quercus", "TAXON"), ("K-0012", 1, "robur", "TAXON"), ("K-0012", 2, "coll", "O"),
    ("K-0012", 3, "whitmore", "COLLECTOR"), ("K-0012", 4, "near", "O"), ("K-0012", 5, "ashdown", "LOCALITY"),
    ("K-0012", 6, "forest", "LOCALITY"), ("K-0012", 7, "1931", "DATE"),
    ("K-0048", 0, "erica", "TAXON"), ("K-0048", 1, "cinerea", "TAXON"), ("K-0048", 2, "heath", "O"),
    ("K-0048", 3, "above", "O"), ("K-0048", 4, "porlock", "LOCALITY"), ("K-0048", 5, "leg", "O"),
    ("K-0048", 6, "pryce", "COLLECTOR"), ("K-0048", 7, "june", "DATE"), ("K-0048", 8, "1927", "DATE"),
    ("K-0103", 0, "drosera", "TAXON"), ("K-0103", 1, "anglica", "TAXON"), ("K-0103", 2, "bog", "O"),
    ("K-0103", 3, "at", "O"), ("K-0103", 4, "tregaron", "LOCALITY"), ("K-0103", 5, "coll", "O"),
    ("K-0103", 6, "whitmore", "COLLECTOR"), ("K-0103", 7, "1933", "DATE"),
    ("K-0150", 0, "salix", "TAXON"), ("K-0150", 1, "repens", "TAXON"), ("K-0150", 2, "dunes", "O"),
    ("K-0150", 3, "ainsdale", "LOCALITY"), ("K-0150", 4, "leg", "O"), ("K-0150", 5, "pryce", "COLLECTOR"),
    ("K-0150", 6, "1929", "DATE"),
]
PAD_TAG = -100
SHEET_LEN = 14

sheet_of = operator.itemgetter(0)
tag_of = operator.itemgetter(3)


def build_tag_index(rows):
    groups = itertools.groupby(sorted(rows, key=tag_of), key=tag_of)
    return {tag: i for i, (tag, _) in enumerate(groups)}


def sheets(rows, tag_index):
    """Yield (word list, tag id list) per herbarium sheet, in reading order."""
    for _, grp in itertools.groupby(sorted(rows, key=operator.itemgetter(0, 1)), key=sheet_of):
        grp = list(grp)
        yield list(map(operator.itemgetter(2), grp)), [tag_index[tag_of(r)] for r in grp]


def encode_sheet(sheet, tokenizer):
    words, tag_ids = sheet
    ids = [tokenizer.cls_token_id] + tokenizer.convert_tokens_to_ids(words) + [tokenizer.sep_token_id]
    tags = [PAD_TAG] + tag_ids + [PAD_TAG]
    fill = SHEET_LEN - len(ids)
    return {"ids": ids + [tokenizer.pad_token_id] * fill,
            "keep": [1] * len(ids) + [0] * fill,
            "tags": tags + [PAD_TAG] * fill}


def collate(items):
    return {k: torch.tensor(list(map(operator.itemgetter(k), items))) for k in ("ids", "keep", "tags")}


class LabelTagger(L.LightningModule):
    def __init__(self, config, n_tags, lr=5e-4):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.head = torch.nn.Linear(config.hidden_size, n_tags)
        self.lr = lr

    def forward(self, ids, keep):
        hidden = self.encoder(input_ids=ids, attention_mask=keep).last_hidden_state
        return self.head(hidden)

    def training_step(self, batch, batch_idx):
        scores = self(batch["ids"], batch["keep"])
        loss = F.cross_entropy(scores, batch["tags"], ignore_index=PAD_TAG)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


def main():
    workdir = tempfile.mkdtemp(prefix="herbarium_")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(map(operator.itemgetter(2), WORD_TAGS)))
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tokenizer = BertTokenizer(vocab_path)

    tag_index = build_tag_index(WORD_TAGS)
    print("tags:", tag_index)
    encoded = list(map(functools.partial(encode_sheet, tokenizer=tokenizer), sheets(WORD_TAGS, tag_index)))
    print(f"{len(encoded)} sheets padded to {SHEET_LEN}")

    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=32)
    tagger = LabelTagger(config, n_tags=len(tag_index))
    loader = DataLoader(encoded, batch_size=2, shuffle=True, collate_fn=collate)

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                        enable_checkpointing=False)
    trainer.fit(tagger, loader)
    print("final loss:", float(trainer.callback_metrics["train_loss"]))


if __name__ == "__main__":
    main()
