"""Fine-tune a tiny BERT to triage apiary inspection notes into hive conditions."""
import os
import random
import tempfile

import numpy as np
import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

random.seed(7), np.random.seed(7), torch.manual_seed(7)

# canonical list from the inspection form (order matches the paper form checkboxes)
CONDITIONS = sorted(["healthy", "queenless", "varroa", "chalkbrood", "swarming"])

NOTES = [
    ("capped brood pattern solid, queen seen on frame four", "healthy"),
    ("no eggs no larvae, workers roaring, emergency cells drawn", "queenless"),
    ("mites on drone brood, deformed wings on several bees", "varroa"),
    ("queen cells along bottom bars, colony very crowded", "swarming"),
    ("solid brood, plenty of stores, calm on the comb", "healthy"),
    ("sugar roll count high, mites visible on workers", "varroa"),
    ("laying workers, multiple eggs per cell, no queen", "queenless"),
    ("capped swarm cells, backfilled brood nest", "swarming"),
    ("queen marked blue seen, eggs standing upright", "healthy"),
    ("deformed wings and spotty brood, mite drop heavy", "varroa"),
]

log = lambda *a, **k: print("[hive]", *a, **k)


def build_vocab(*corpora, extra=("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")):
    return [*extra, *sorted({w for corpus in corpora for text in corpus
                             for w in text.lower().replace(",", " ").split()})]


def make_tokenizer(words, **kw):
    (path := os.path.join(tempfile.mkdtemp(), "vocab.txt")) and open(path, "w").write("\n".join(words) + "\n")
    return BertTokenizer(path, **kw)


def encode(tok, rows, *, label_of, **tok_kw):
    return [{**tok(text, **tok_kw), "labels": label_of[cond]} for text, cond in rows]


def tiny_bert(vocab_size, **overrides):
    return BertForSequenceClassification(BertConfig(**{
        **dict(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
               intermediate_size=64, max_position_embeddings=64), **overrides}))


def train(model, tok, data, **arg_kw):
    return Trainer(model=model, args=TrainingArguments(**arg_kw), train_dataset=data,
                   data_collator=DataCollatorWithPadding(tok)).train()


if __name__ == "__main__":
    tok = make_tokenizer(build_vocab([t for t, _ in NOTES]))
    label_of = {c: i for i, c in enumerate(CONDITIONS)}
    seen = {c for _, c in NOTES}
    log(f"{len(NOTES)} notes, conditions seen: {sorted(seen)}")

    model = tiny_bert(len(tok), num_labels=len(seen))
    data = encode(tok, NOTES, label_of=label_of, truncation=True, max_length=32)
    log("label ids:", sorted({d["labels"] for d in data}), "| heads:", model.config.num_labels)

    out = train(model, tok, data,
                output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4, num_train_epochs=2,
                learning_rate=5e-4, logging_steps=1, save_strategy="no", disable_tqdm=True,
                report_to=[], use_cpu=True, seed=7)
    log(f"done, final loss {out.training_loss:.4f}")
