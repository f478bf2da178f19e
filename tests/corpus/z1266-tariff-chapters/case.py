"""Route customs declaration lines to a tariff chapter group with a tiny BERT and the
HF Trainer, using an inverse-frequency weighted loss (the classes are imbalanced)."""
import os
import tempfile
from collections import Counter
from functools import partial
from itertools import chain

import torch
import torch.nn.functional as F
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments, default_data_collator, set_seed)

set_seed(3)

TRAIN_ROWS = [
    ("cotton knitted t-shirts for men", "apparel"),
    ("wool overcoats women", "apparel"),
    ("denim trousers assorted sizes", "apparel"),
    ("silk scarves printed", "apparel"),
    ("leather gloves lined", "apparel"),
    ("lithium battery packs for laptops", "electronics"),
    ("smartphone display modules", "electronics"),
    ("usb charging cables", "electronics"),
    ("frozen shrimp peeled", "foodstuffs"),
    ("roasted coffee beans in bags", "foodstuffs"),
    ("olive oil extra virgin bottles", "foodstuffs"),
    ("hydraulic pumps for excavators", "machinery"),
    ("industrial sewing machines", "machinery"),
    ("plastic building blocks sets", "toys"),
]
EVAL_ROWS = [
    ("linen shirts short sleeve", "apparel"),
    ("bluetooth headphones wireless", "electronics"),
    ("dried mango slices", "foodstuffs"),
    ("centrifugal pumps for water", "machinery"),
    ("polyester jackets hooded", "apparel"),
]


def write_vocab(texts):
    words = sorted(set(chain.from_iterable(t.split() for t in texts)))
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def make_label_encoder(rows):
    names = sorted({name for _, name in rows})
    index = {name: i for i, name in enumerate(names)}
    return names, index.__getitem__


def make_text_encoder(tokenizer, max_len):
    def encode(text):
        enc = tokenizer(text, padding="max_length", truncation=True, max_length=max_len)
        return {k: torch.tensor(v) for k, v in enc.items()}
    return encode


def inverse_frequency(rows):
    counts = Counter(name for _, name in rows)
    total = sum(counts.values())
    return torch.tensor([total / (len(counts) * counts[n]) for n in sorted(counts)])


def make_prepare(encode_text, encode_label):
    def prepare(rows):
        examples = [{**encode_text(t), "labels": torch.tensor(encode_label(n))} for t, n in rows]
        return examples, inverse_frequency(rows)
    return prepare


def make_weighted_loss(class_weights):
    def loss_fn(outputs, labels, num_items_in_batch=None):
        per_example = F.cross_entropy(outputs.logits, labels, reduction="none")
        w = class_weights[labels]
        return (per_example * w).sum() / w.sum()
    return loss_fn


def main():
    tokenizer = BertTokenizer(write_vocab(t for t, _ in TRAIN_ROWS + EVAL_ROWS))
    label_names, encode_label = make_label_encoder(TRAIN_ROWS)
    prepare = make_prepare(make_text_encoder(tokenizer, 16), encode_label)

    train_ds, _ = prepare(TRAIN_ROWS)
    eval_ds, class_weights = prepare(EVAL_ROWS)
    print("labels:", label_names)
    print("class weights:", [round(w, 2) for w in class_weights.tolist()])

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
                     num_labels=len(label_names),
                     id2label=dict(enumerate(label_names)),
                     label2id={n: i for i, n in enumerate(label_names)})
    model = BertForSequenceClassification(cfg)

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=4,
                             per_device_eval_batch_size=4, num_train_epochs=2, learning_rate=2e-3,
                             save_strategy="no", eval_strategy="epoch", logging_steps=2,
                             use_cpu=True, disable_tqdm=True, report_to=[])
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                      data_collator=default_data_collator,
                      compute_loss_func=make_weighted_loss(class_weights))
    trainer.train()
    print(trainer.evaluate())


if __name__ == "__main__":
    main()
