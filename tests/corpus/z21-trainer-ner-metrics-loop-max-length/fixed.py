"""Product-name tagging (BIO) with transformers.Trainer and a hand-written entity-level F1 in compute_metrics."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np
import torch
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          DataCollatorForTokenClassification, Trainer, TrainingArguments)

torch.manual_seed(0)
MAX_LENGTH = 64
label_list = ["O", "B-PROD", "I-PROD"]

raw = {
    "train": {"tokens": [["buy", "the", "galaxy", "phone", "today"], ["the", "pixel", "phone", "is", "cheap"],
                         ["iphone", "cases", "are", "cheap"], ["order", "a", "galaxy", "tab"]],
              "ner_tags": [[0, 0, 1, 2, 0], [0, 1, 2, 0, 0], [1, 0, 0, 0], [0, 0, 1, 2]]},
    "validation": {"tokens": [["the", "iphone", "is", "sold", "out"], ["galaxy", "tab", "today"],
                              ["pixel", "cases"]],
                   "ner_tags": [[0, 1, 0, 0, 0], [1, 2, 0], [1, 0]]},
}

words = sorted({w for split in raw.values() for sent in split["tokens"] for w in sent} - {"iphone", "galaxy"})
workdir = tempfile.mkdtemp()
with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "i", "##phone", "gal", "##axy"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))


def tokenize_and_align_labels(examples):
    tokenized = tokenizer(examples["tokens"], truncation=True, max_length=MAX_LENGTH, is_split_into_words=True)
    all_labels = []
    for i, tags in enumerate(examples["ner_tags"]):
        previous, labels = None, []
        for word_id in tokenized.word_ids(batch_index=i):
            labels.append(-100 if word_id is None or word_id == previous else tags[word_id])
            previous = word_id
        all_labels.append(labels)
    tokenized["labels"] = all_labels
    return tokenized


def to_rows(columns):
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


train_ds = to_rows(dict(tokenize_and_align_labels(raw["train"])))
eval_ds = to_rows(dict(tokenize_and_align_labels(raw["validation"])))


def compute_metrics(eval_pred):
    logits, labels = eval_pred
    predictions = np.argmax(logits, axis=-1)
    tp = fp = fn = 0
    for i in range(len(labels)):
        for j in range(labels.shape[1]):
            if labels[i, j] == -100:
                continue
            gold, pred = labels[i, j] != 0, predictions[i, j] != 0
            tp += int(gold and pred)
            fp += int(pred and not gold)
            fn += int(gold and not pred)
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    return {"precision": precision, "recall": recall, "f1": 2 * precision * recall / max(precision + recall, 1e-9)}


config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                    intermediate_size=64, max_position_embeddings=MAX_LENGTH, num_labels=len(label_list),
                    id2label=dict(enumerate(label_list)), label2id={l: i for i, l in enumerate(label_list)})
model = BertForTokenClassification(config)

args = TrainingArguments(output_dir=os.path.join(workdir, "out"), per_device_train_batch_size=2,
                         per_device_eval_batch_size=2, num_train_epochs=1, learning_rate=5e-4,
                         save_strategy="no", report_to="none", use_cpu=True, disable_tqdm=True)
trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                  data_collator=DataCollatorForTokenClassification(tokenizer), compute_metrics=compute_metrics)
trainer.train()
print(trainer.evaluate())
