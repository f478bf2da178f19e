"""Tag part numbers, fault codes and zones in aircraft maintenance log entries.

Small token-classification fine-tune with the HF Trainer; the tiny BERT is
built from a config so the whole thing runs offline on a laptop.
"""
import logging
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from torch import nn
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          Trainer, TrainerCallback, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
log = logging.getLogger("mxlog")

TAGS = ["O", "B-PART", "I-PART", "B-FAULT", "I-FAULT", "B-ZONE", "I-ZONE"]

# (entry, word-level tags)
ENTRIES = [
    ("replaced valve 3412 in zone 431 fault 2741", "O B-PART I-PART O B-ZONE I-ZONE B-FAULT I-FAULT"),
    ("hydraulic leak at pump 2910", "O O O B-PART I-PART"),
    ("fault 3422 cleared after reset", "B-FAULT I-FAULT O O O"),
    ("inspected zone 122 no findings", "O B-ZONE I-ZONE O O"),
    ("actuator 3412 replaced fault 2741 closed", "B-PART I-PART O B-FAULT I-FAULT O"),
    ("pump 2910 serviceable", "B-PART I-PART O"),
]


@dataclass
class RunConfig:
    seed: int = 7
    epochs: int = 1
    batch_size: int = 3
    tag_pad_width: int = 16
    hidden: int = 32


def write_vocab(words):
    folder = tempfile.mkdtemp(prefix="mxlog_")
    path = os.path.join(folder, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)))
    return path


def make_encoder(tok, **opts):
    return lambda words: tok(words, is_split_into_words=True, **opts)


def align_tags(enc, word_tags):
    out, prev = [], None
    for wid in enc.word_ids():
        if wid is None:
            out.append(-100)
        elif wid != prev:
            out.append(TAGS.index(word_tags[wid]))
        else:
            out.append(-100)
        prev = wid
    return out


def make_collate(pad_id, width):
    def collate(features):
        longest = max(len(f["input_ids"]) for f in features)
        ids, att, tag_rows = [], [], []
        for f in features:
            n = len(f["input_ids"])
            ids.append(f["input_ids"] + [pad_id] * (longest - n))
            att.append([1] * n + [0] * (longest - n))
            tag_rows.append(f["labels"] + [-100] * (longest - len(f["labels"])))
        return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(att),
                "labels": torch.tensor(tag_rows)}
    return collate


def build_head(n, hidden=32):
    return nn.Sequential(nn.Dropout(0.1), nn.Linear(hidden, hidden), nn.GELU(), nn.Linear(hidden, n))


class LossLogger(TrainerCallback):
    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs and "loss" in logs:
            log.info("step %d loss %.4f", state.global_step, logs["loss"])


class LogDataset(torch.utils.data.Dataset):
    def __init__(self, rows, encode):
        self.items = []
        for text, tag_str in rows:
            words, wtags = text.split(), tag_str.split()
            enc = encode(words)
            self.items.append({"input_ids": enc["input_ids"], "labels": align_tags(enc, wtags)})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def main():
    cfg = RunConfig()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    words = {w for text, _ in ENTRIES for w in text.split()}
    tok = BertTokenizer(write_vocab(words))
    encode = make_encoder(tok, truncation=True, max_length=24)
    collate = make_collate(tok.pad_token_id, cfg.tag_pad_width)

    dataset = LogDataset(ENTRIES, encode)
    log.info("%d log entries, longest %d tokens", len(dataset),
             max(len(x["input_ids"]) for x in dataset.items))

    bert_cfg = BertConfig(vocab_size=len(tok), hidden_size=cfg.hidden, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                          num_labels=len(TAGS))
    model = BertForTokenClassification(bert_cfg)
    model.classifier = build_head(len(TAGS), cfg.hidden)

    args = TrainingArguments(output_dir=tempfile.mkdtemp(prefix="mxlog_run_"),
                             num_train_epochs=cfg.epochs, per_device_train_batch_size=cfg.batch_size,
                             learning_rate=5e-4, logging_steps=1, save_strategy="no",
                             disable_tqdm=True, report_to=[], use_cpu=True)
    trainer = Trainer(model=model, args=args, train_dataset=dataset, data_collator=collate,
                      callbacks=[LossLogger()])
    trainer.train()
    log.info("done")


if __name__ == "__main__":
    main()
