"""Tag vessels, ports and cargo in merchant-navy deck log entries.

Small token-classification run with the HF Trainer; the backbone is a tiny
randomly initialised BERT so the pipeline can be smoke-tested offline.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from transformers import (BertConfig, BertForTokenClassification, BertTokenizerFast,
                          Trainer, TrainingArguments)

random.seed(11)
torch.manual_seed(11)

LOG_ENTRIES = [
    ("0600 alongside rotterdam berth discharged containers to quay crane".split(),
     ["O", "O", "B-PORT", "O", "O", "B-CARGO", "O", "O", "O"]),
    ("tug svitzer ajax made fast forward".split(),
     ["O", "B-VESSEL", "I-VESSEL", "O", "O", "O"]),
    ("pilot boarded off antwerp anchorage".split(),
     ["O", "O", "O", "B-PORT", "O"]),
    ("loaded bagged fertiliser hold three".split(),
     ["O", "B-CARGO", "I-CARGO", "O", "O"]),
    ("passed maersk kendal to starboard bound for singapore".split(),
     ["O", "B-VESSEL", "I-VESSEL", "O", "O", "O", "O", "B-PORT"]),
    ("crude oil transfer to nordic freedom completed".split(),
     ["B-CARGO", "I-CARGO", "O", "O", "B-VESSEL", "I-VESSEL", "O"]),
    ("departed valparaiso with frozen salmon".split(),
     ["O", "B-PORT", "O", "B-CARGO", "I-CARGO"]),
    ("bunkering barge petrobulk alongside port side".split(),
     ["O", "O", "B-VESSEL", "O", "O", "O"]),
]

TAGS = ["O", "B-VESSEL", "I-VESSEL", "B-PORT", "I-PORT", "B-CARGO", "I-CARGO"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}


def write_vocab(folder):
    # long words get split into a stem and a ## continuation so we see real word pieces
    pieces = set()
    for words, _ in LOG_ENTRIES:
        for w in words:
            if len(w) > 6:
                pieces.update([w[:4], "##" + w[4:]])
            else:
                pieces.add(w)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(pieces)
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path


def align_labels_to_pieces(word_ids, word_tags):
    """First piece of each word carries the tag, everything else is ignored."""
    aligned = []
    previous = None
    for wid in word_ids:
        if wid is None or wid == previous:
            continue
        aligned.append(TAG2ID[word_tags[wid]])
        previous = wid
    return aligned


def encode_entries(tokenizer, entries, max_len=32):
    features = []
    for words, tags in entries:
        enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=max_len)
        enc["labels"] = align_labels_to_pieces(enc.word_ids(), tags)
        features.append(dict(enc))
    return features


@dataclass
class LogCollator:
    pad_id: int
    label_pad: int = -100

    def __call__(self, feats):
        width = max(len(f["input_ids"]) for f in feats)
        tag_width = max(len(f["labels"]) for f in feats)
        out = {"input_ids": [], "attention_mask": [], "token_type_ids": [], "labels": []}
        for f in feats:
            gap = width - len(f["input_ids"])
            out["input_ids"].append(f["input_ids"] + [self.pad_id] * gap)
            out["attention_mask"].append(f["attention_mask"] + [0] * gap)
            out["token_type_ids"].append(f["token_type_ids"] + [0] * gap)
            out["labels"].append(f["labels"] + [self.label_pad] * (tag_width - len(f["labels"])))
        return {k: torch.tensor(v) for k, v in out.items()}


def main():
    workdir = tempfile.mkdtemp(prefix="decklog_")
    tokenizer = BertTokenizerFast(write_vocab(workdir))
    print("vocab size:", tokenizer.vocab_size)

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        num_labels=len(TAGS), id2label=dict(enumerate(TAGS)), label2id=TAG2ID)
    model = BertForTokenClassification(config)

    train_feats = encode_entries(tokenizer, LOG_ENTRIES)
    sample = train_feats[0]
    print("first entry ->", tokenizer.convert_ids_to_tokens(sample["input_ids"]))

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        per_device_train_batch_size=4,
        num_train_epochs=2,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        use_cpu=True,
        remove_unused_columns=False,
        disable_tqdm=True,
        report_to=[],
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_feats,
                      data_collator=LogCollator(pad_id=tokenizer.pad_token_id))
    result = trainer.train()
    print("final training loss: %.4f" % result.training_loss)


if __name__ == "__main__":
    main()
