"""Triage free-text track inspection notes into defect categories.

Rare categories are folded into a catch-all bucket so the classifier only
has to learn the defect types the inspectors actually report often.
"""
import logging
import os
import random
import tempfile
from collections import Counter, defaultdict

import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("rail-triage")

random.seed(7)
np.random.seed(7)
torch.manual_seed(7)

INSPECTION_NOTES = [
    {"note": "gauge corner wear on outer rail near km 12", "defect": "rail_wear"},
    {"note": "head checks visible on high rail curve", "defect": "rail_wear"},
    {"note": "side wear exceeds limit on curve approach", "defect": "rail_wear"},
    {"note": "two clips missing on sleeper run near bridge", "defect": "fastener"},
    {"note": "loose bolts at insulated joint", "defect": "fastener"},
    {"note": "broken clip replaced pending second check", "defect": "fastener"},
    {"note": "ballast fouled with mud under crossing", "defect": "ballast"},
    {"note": "shoulder ballast thin on embankment", "defect": "ballast"},
    {"note": "ballast pumping after heavy rain", "defect": "ballast"},
    {"note": "cracked concrete sleeper at km 14", "defect": "sleeper"},
    {"note": "timber sleeper rotten near level crossing", "defect": "sleeper"},
    {"note": "culvert blocked water pooling beside track", "defect": "drainage"},
    {"note": "thermite weld cracked on down line", "defect": "weld"},
    {"note": "speed sign missing at curve approach", "defect": "signage"},
]

TOP_K = 4


def build_label_map(records, top_k):
    counts = Counter(r["defect"] for r in records)
    kept = [name for name, _ in counts.most_common(top_k)]
    log.info("keeping %d categories: %s (dropped %d rare ones)", len(kept), kept,
             len(counts) - len(kept))
    # anything not in the kept list goes to the catch-all bucket at the end
    label2id = defaultdict(lambda: len(kept))
    for idx, name in enumerate(kept):
        label2id[name] = idx
    return kept, label2id


def write_vocab(records, folder):
    words = sorted({w for r in records for w in r["note"].split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class NoteDataset(torch.utils.data.Dataset):
    def __init__(self, records, tokenizer, label2id):
        self.rows = []
        for rec in records:
            enc = tokenizer(rec["note"], truncation=True, max_length=32)
            enc["labels"] = label2id[rec["defect"]]
            self.rows.append(dict(enc))

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def main():
    workdir = tempfile.mkdtemp(prefix="rail_")
    tokenizer = BertTokenizer(write_vocab(INSPECTION_NOTES, workdir))

    kept, label2id = build_label_map(INSPECTION_NOTES, TOP_K)
    id2label = {i: name for i, name in enumerate(kept + ["other"])}

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(id2label),
        id2label=id2label,
        label2id={v: k for k, v in id2label.items()},
    )
    model = BertForSequenceClassification(config)

    train_ds = NoteDataset(INSPECTION_NOTES, tokenizer, label2id)
    log.info("encoded %d notes, label histogram %s", len(train_ds),
             Counter(r["labels"] for r in train_ds.rows))

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=2,
        per_device_train_batch_size=4,
        learning_rate=5e-4,
        logging_steps=2,
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        report_to=[],
        seed=7,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    result = trainer.train()
    log.info("training loss %.4f", result.training_loss)

    model.eval()
    probe = tokenizer("clips missing near crossing", return_tensors="pt")
    with torch.no_grad():
        pred = model(**probe).logits.argmax(-1).item()
    print("probe ->", id2label.get(pred, "other"))


if __name__ == "__main__":
    main()
