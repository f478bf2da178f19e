"""Route harbour-master incident reports to the right desk with a small BERT classifier."""
import os
import tempfile
import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("harbor")
torch.manual_seed(7)

# desks used by the port authority, in the order the ops team numbered them
DESKS = ["berthing", "pilotage", "hazmat", "customs", "environment", "security"]

REPORTS = [
    ("vessel requested early berth slot due to tide window", "berthing"),
    ("pilot boarding delayed by swell at outer anchorage", "pilotage"),
    ("container leaking unknown liquid on quay four", "hazmat"),
    ("undeclared cargo found during manifest check", "customs"),
    ("crew member without valid pass at gate two", "security"),
    ("berth three fender damaged during mooring", "berthing"),
    ("pilot ladder non compliant on bulk carrier", "pilotage"),
    ("drums of solvent stored next to reefer stack", "hazmat"),
    ("unknown person filming tanker from fence line", "security"),
    ("mooring lines parted at berth seven overnight", "berthing"),
    ("manifest weight differs from scale reading", "customs"),
    ("gate camera offline near container yard", "security"),
]

VOCAB_WORDS = sorted({w for text, _ in REPORTS for w in text.split()})


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp(prefix="harbor_vocab_")
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + VOCAB_WORDS) + "\n")
    return BertTokenizer(path)


def encode_report(tokenizer, item):
    text, desk = item
    ids = tokenizer(text, truncation=True, max_length=48)["input_ids"]
    return {"input_ids": ids, "n_tokens": len(ids), "desk": desk, "label": DESKS.index(desk)}


class ReportSet(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        return self.rows[idx]


def pad_collate(rows, pad_id=0):
    width = max(r["n_tokens"] for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    att = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : r["n_tokens"]] = torch.tensor(r["input_ids"])
        att[i, : r["n_tokens"]] = 1
    return {"input_ids": ids, "attention_mask": att,
            "labels": torch.tensor([r["label"] for r in rows], dtype=torch.long)}


def main():
    tok = build_tokenizer()
    with ThreadPoolExecutor(max_workers=4) as pool:
        encoded = list(pool.map(lambda it: encode_report(tok, it), REPORTS))

    # shortest first so the collator wastes less padding
    encoded.sort(key=lambda r: r["n_tokens"])

    by_desk = defaultdict(list)
    for row in encoded:
        by_desk[row["desk"]].append(row)
    for desk, rows in by_desk.items():
        log.info("desk %-12s %d reports, avg %.1f tokens", desk, len(rows),
                 sum(r["n_tokens"] for r in rows) / len(rows))
    n_desks = len(by_desk)

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=n_desks)
    model = BertForSequenceClassification(cfg)
    log.info("classifier head: %s", model.classifier)

    args = TrainingArguments(output_dir=tempfile.mkdtemp(prefix="harbor_run_"),
                             per_device_train_batch_size=4, num_train_epochs=1,
                             learning_rate=5e-4, logging_steps=1, save_strategy="no",
                             use_cpu=True, disable_tqdm=True, report_to=[],
                             remove_unused_columns=False)
    trainer = Trainer(model=model, args=args, train_dataset=ReportSet(encoded),
                      data_collator=pad_collate)
    out = trainer.train()
    log.info("done, final loss %.4f", out.training_loss)


if __name__ == "__main__":
    main()
