"""Token tagging for drill-core logging sentences (Lightning).

Three geologists tagged the same sentences; the training tags are the
per-token majority vote across their sheets.
"""
import os
import tempfile
from collections import Counter
from itertools import groupby

import lightning as L
import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

L.seed_everything(3, verbose=False)

TAGS = ["O", "LITH", "TEXT", "MIN", "DEPTH"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

SENTENCES = {
    0: "fine grained sandstone with calcite veins at 412m".split(),
    1: "grey shale laminated pyrite nodules near 418m".split(),
    2: "coarse conglomerate quartz pebbles at 425m".split(),
    3: "massive limestone with dolomite patches 431m".split(),
}

# tag sheets as exported from the review tool, one row per (sentence, annotator)
SHEETS = [
    {"sent": 0, "who": "jb", "tags": "TEXT TEXT LITH O MIN MIN O DEPTH"},
    {"sent": 0, "who": "ar", "tags": "TEXT TEXT LITH O MIN O O DEPTH"},
    {"sent": 0, "who": "mk", "tags": "TEXT TEXT LITH O MIN MIN O"},
    {"sent": 1, "who": "jb", "tags": "O LITH TEXT MIN MIN O DEPTH"},
    {"sent": 1, "who": "ar", "tags": "O LITH TEXT MIN MIN O DEPTH"},
    {"sent": 1, "who": "mk", "tags": "O LITH TEXT MIN O O"},
    {"sent": 2, "who": "jb", "tags": "TEXT LITH MIN MIN O DEPTH"},
    {"sent": 2, "who": "ar", "tags": "TEXT LITH MIN O O DEPTH"},
    {"sent": 2, "who": "mk", "tags": "TEXT LITH MIN MIN O"},
    {"sent": 3, "who": "jb", "tags": "TEXT LITH O MIN O DEPTH"},
    {"sent": 3, "who": "ar", "tags": "TEXT LITH O MIN TEXT DEPTH"},
    {"sent": 3, "who": "mk", "tags": "TEXT LITH O MIN TEXT"},
]


def majority_tags(sheets):
    """sentence id -> list of voted tags."""
    voted = {}
    ordered = sorted(sheets, key=lambda r: r["sent"])
    for sent_id, group in groupby(ordered, key=lambda r: r["sent"]):
        rows = [r["tags"].split() for r in group]
        voted[sent_id] = [Counter(column).most_common(1)[0][0] for column in zip(*rows)]
    return voted


def write_vocab(folder):
    words = sorted({w for toks in SENTENCES.values() for w in toks})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode(tokenizer, words, tags):
    token_ids = [tokenizer.cls_token_id] + tokenizer.convert_tokens_to_ids(words) + [tokenizer.sep_token_id]
    tag_ids = [-100] + [TAG2ID[t] for t in tags] + [-100]
    return torch.tensor(token_ids), torch.tensor(tag_ids)


def collate(pairs, pad_id):
    ids, tag_ids = zip(*pairs)
    ids = pad_sequence(ids, batch_first=True, padding_value=pad_id)
    return {
        "input_ids": ids,
        "attention_mask": (ids != pad_id).long(),
        "labels": pad_sequence(tag_ids, batch_first=True, padding_value=-100),
    }


class CoreTagger(L.LightningModule):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64, num_labels=len(TAGS))
        self.bert = BertForTokenClassification(cfg)

    def training_step(self, batch, batch_idx):
        out = self.bert(**batch)
        self.log("train_loss", out.loss)
        return out.loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=1e-3)


def main():
    tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp(prefix="core_")))
    voted = majority_tags(SHEETS)
    for sid, tags in voted.items():
        print(sid, " ".join(SENTENCES[sid]), "->", tags)

    data = [encode(tokenizer, SENTENCES[sid], voted[sid]) for sid in sorted(SENTENCES)]
    loader = DataLoader(data, batch_size=2, shuffle=True,
                        collate_fn=lambda b: collate(b, tokenizer.pad_token_id))

    trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                        logger=False, enable_checkpointing=False, enable_model_summary=False)
    model = CoreTagger(tokenizer.vocab_size)
    trainer.fit(model, loader)
    print("done, final loss", trainer.callback_metrics.get("train_loss"))


if __name__ == "__main__":
    main()
