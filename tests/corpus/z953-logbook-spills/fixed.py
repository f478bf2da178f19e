"""Flag voyage logbooks that mention an oil / bilge discharge.

Logbooks are long, so each one is cut into overlapping word windows, a tiny BERT
classifies windows, and a logbook's score is the max over its windows.
"""
import os
import tempfile
from typing import NamedTuple

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          DataCollatorWithPadding, Trainer, TrainingArguments, set_seed)

set_seed(11)

LOGBOOKS = [
    ("departed harbour at dawn light swell from the west crew mustered for drill "
     "engine room reports bilge alarm pumped bilge overboard without the separator "
     "master informed and entry made in oil record book", 1),
    ("steady passage under clear sky speed twelve knots watch changes uneventful "
     "galley resupplied from stores deck crew chipping rust on the forecastle "
     "arrived at anchorage before dusk", 0),
    ("heavy weather overnight cargo lashings checked twice fuel transfer between "
     "tanks overflowed and a sheen was seen astern of the vessel coast guard notified "
     "absorbent booms deployed from the rescue boat", 1),
    ("pilot boarded at the outer buoy tugs made fast berthed port side to "
     "shore power connected and gangway rigged customs cleared the crew list "
     "watch set for the night in port", 0),
]

WIDTH, STRIDE = 10, 5


class Window(NamedTuple):
    start: int
    doc: int
    text: str


def cut_windows(doc_idx, text, width=WIDTH, stride=STRIDE):
    words, starts, pos = text.split(), [], 0
    for w in words:
        pos = text.index(w, pos)
        starts.append(pos)
        pos += len(w)
    for i in range(0, max(len(words) - width, 0) + 1, stride):
        j = min(i + width, len(words)) - 1
        yield Window(starts[i], doc_idx, text[starts[i]:starts[j] + len(words[j])])


def check_windows(windows, docs):
    for w in windows:
        assert docs[w.doc][0][w.start:].startswith(w.text), w
    covered = {w.doc for w in windows}
    assert covered == set(range(len(docs))), "a logbook produced no windows"


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def encode_windows(tokenizer, windows, doc_labels=None):
    rows = []
    for w in windows:
        enc = tokenizer(w.text, truncation=True, max_length=24)
        if doc_labels is not None:
            enc["labels"] = doc_labels[w.doc]
        rows.append(dict(enc))
    return rows


def pool_by_doc(window_scores, owner, n_docs):
    out = torch.full((n_docs,), -1.0)
    return out.scatter_reduce(0, owner, window_scores, reduce="amax", include_self=False)


def main():
    windows = [w for i, (text, _) in enumerate(LOGBOOKS) for w in cut_windows(i, text)]
    check_windows(windows, LOGBOOKS)
    print(f"{len(LOGBOOKS)} logbooks -> {len(windows)} windows")

    tokenizer = BertTokenizer(write_vocab([t for t, _ in LOGBOOKS]))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                        num_labels=2)
    model = BertForSequenceClassification(config)

    doc_labels = [y for _, y in LOGBOOKS]
    train_rows = encode_windows(tokenizer, windows, doc_labels)
    assert all(len(r["input_ids"]) <= config.max_position_embeddings for r in train_rows)

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=2,
                             per_device_train_batch_size=4, learning_rate=5e-4,
                             save_strategy="no", logging_strategy="no", use_cpu=True,
                             disable_tqdm=True, report_to=[])
    trainer = Trainer(model=model, args=args, train_dataset=train_rows,
                      data_collator=DataCollatorWithPadding(tokenizer))
    trainer.train()

    pred = trainer.predict(encode_windows(tokenizer, windows))
    assert pred.predictions.shape == (len(windows), config.num_labels), pred.predictions.shape
    spill_prob = torch.from_numpy(pred.predictions).softmax(-1)[:, 1]

    owner = torch.tensor([w.doc for w in windows])
    doc_scores = pool_by_doc(spill_prob, owner, len(LOGBOOKS))
    for (text, y), s in zip(LOGBOOKS, doc_scores.tolist()):
        print(f"gold={y} score={s:.3f}  {text[:40]}...")


if __name__ == "__main__":
    main()
