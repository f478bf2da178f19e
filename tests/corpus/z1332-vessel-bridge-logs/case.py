"""Fine-tune a tiny BERT on bridge log excerpts from coastal freighters.

Long log entries are cut into overlapping windows so that no part of an
entry is thrown away; every window inherits the incident class of its entry.
"""
import itertools
import logging
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("bridge-logs")
torch.manual_seed(7)

INCIDENT_CLASSES = ["machinery", "navigation", "weather"]
WINDOW_SIZE = 32
WINDOW_STRIDE = 16

RAW_LOGS = [
    ("0412 main engine lube oil pressure dropped to alarm level chief engineer called to engine room "
     "standby generator started speed reduced to six knots while purifier was cleaned and filter changed "
     "pressure restored at 0440 engine returned to full ahead master informed and entry countersigned", "machinery"),
    ("0630 fog bank closing from the west visibility under half a mile sound signals commenced radar on "
     "both scanners lookout doubled on the forecastle speed reduced to safe speed", "weather"),
    ("1105 passed north cardinal buoy close to starboard altered course ten degrees to port to open "
     "distance from the shoal gps position cross checked with radar range and bearing of the lighthouse "
     "course resumed at 1120 after the channel opened and traffic cleared ahead of the bow", "navigation"),
    ("1530 steering gear alarm on bridge console hand steering engaged second pump started "
     "electrician found loose relay in the starboard motor panel relay replaced and alarm cleared", "machinery"),
    ("1945 wind backing southwest force seven swell building on the port bow lashings on deck cargo "
     "checked by bosun and crew ballast adjusted to reduce rolling master decided to heave to until "
     "the squall line passed and then resume passage at reduced speed toward the pilot station", "weather"),
    ("2210 crossing traffic from starboard vessel not answering on channel sixteen altered course to "
     "starboard and reduced speed closest point of approach opened to one mile", "navigation"),
]


def read_records(rows):
    for text, label in rows:
        yield {"text": text, "label": INCIDENT_CLASSES.index(label)}


def tokenize_stream(records, tokenizer):
    for rec in records:
        pieces = tokenizer.tokenize(rec["text"])
        yield {"ids": tokenizer.convert_tokens_to_ids(pieces), "label": rec["label"]}


def sliding_windows(seq, size, stride):
    """Yield overlapping chunks of `seq`; the last chunk may be shorter."""
    start = 0
    while True:
        yield seq[start:start + size]
        if start + size >= len(seq):
            break
        start += stride


def window_stream(tokenized, tokenizer, size, stride):
    for rec in tokenized:
        for chunk in sliding_windows(rec["ids"], size, stride):
            ids = [tokenizer.cls_token_id] + chunk + [tokenizer.sep_token_id]
            yield {"input_ids": ids, "attention_mask": [1] * len(ids), "labels": rec["label"]}


class WindowDataset(Dataset):
    def __init__(self, examples):
        self.examples = list(examples)

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, idx):
        return self.examples[idx]


def build_tokenizer(workdir):
    words = sorted({w for text, _ in RAW_LOGS for w in text.split()})
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def main():
    workdir = tempfile.mkdtemp(prefix="bridge_")
    tokenizer = build_tokenizer(workdir)
    log.info("vocabulary: %d entries", tokenizer.vocab_size)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                        num_labels=len(INCIDENT_CLASSES))
    model = BertForSequenceClassification(config)

    pipeline = window_stream(tokenize_stream(read_records(RAW_LOGS), tokenizer),
                             tokenizer, WINDOW_SIZE, WINDOW_STRIDE)
    first, pipeline = itertools.tee(pipeline)
    sample = next(first)
    log.info("first window: %d tokens, label=%s", len(sample["input_ids"]), INCIDENT_CLASSES[sample["labels"]])
    train_set = WindowDataset(pipeline)
    log.info("%d windows from %d log entries", len(train_set), len(RAW_LOGS))

    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), num_train_epochs=1,
                             per_device_train_batch_size=4, learning_rate=5e-4, logging_steps=1,
                             save_strategy="no", use_cpu=True, disable_tqdm=True, report_to=[])
    trainer = Trainer(model=model, args=args, train_dataset=train_set,
                      data_collator=DataCollatorWithPadding(tokenizer))
    result = trainer.train()
    log.info("training loss %.4f", result.training_loss)


if __name__ == "__main__":
    main()
