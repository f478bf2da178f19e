"""Answer-relevance classifier for a help center: does this passage answer the customer's question?"""
import functools
import os
import tempfile

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizerFast,
                          DataCollatorWithPadding, Trainer, TrainingArguments)

torch.manual_seed(0)
MAX_LEN = 48
SETTINGS = {"hidden_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
            "intermediate_size": 64, "max_position_embeddings": MAX_LEN}

LONG_POLICY = ("refunds are issued to the original payment method within five business days after the "
               "returned item reaches our warehouse and passes inspection items must be unused and in the "
               "original packaging with all tags attached and the receipt or order number included in the "
               "parcel otherwise the return may be rejected and sent back at your own cost")
PAIRS = [
    {"question": "how long does a refund take", "passage": LONG_POLICY, "label": 1},
    {"question": "can i change my password", "passage": "go to account settings and choose security", "label": 1},
    {"question": "do you ship abroad", "passage": "go to account settings and choose security", "label": 0},
    {"question": "where is my parcel", "passage": "use the tracking link in your confirmation email", "label": 1},
    {"question": "can i change my password", "passage": LONG_POLICY, "label": 0},
    {"question": "do you ship abroad", "passage": "we deliver to most countries in europe", "label": 1},
]


def make_tokenizer(folder):
    words = sorted({w for row in PAIRS for key in ("question", "passage") for w in row[key].split()})
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizerFast(vocab_path)


def encode_row(row, tokenizer):
    features = tokenizer(row["question"], row["passage"], truncation="only_second", max_length=MAX_LEN)
    features["labels"] = row["label"]
    return features


def run():
    workdir = tempfile.mkdtemp()
    tokenizer = make_tokenizer(workdir)
    train_features = list(map(functools.partial(encode_row, tokenizer=tokenizer), PAIRS))
    model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), num_labels=2, **SETTINGS))
    trainer = Trainer(
        model=model,
        args=TrainingArguments(output_dir=workdir, report_to=[], num_train_epochs=1, per_device_train_batch_size=8,
                               use_cpu=True, save_strategy="no", disable_tqdm=True),
        train_dataset=train_features,
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    trainer.train()
    print("done:", len(train_features), "pairs")


if __name__ == "__main__":
    run()
