"""Token tagging of dangerous-goods lines in shipping manifests (UN number, hazard class, packing group).

Tiny BERT from scratch, fine-tuned with the HF Trainer and a custom collator that keeps the
per-word tag alignment we get from the manifest parser.
"""
import os
import tempfile

import numpy as np
import torch
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          DataCollatorForTokenClassification, Trainer, TrainingArguments)

torch.manual_seed(7)
np.random.seed(7)

TAGS = ["O", "B-UN", "B-CLASS", "B-PG", "B-NAME", "I-NAME"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

MANIFEST_LINES = [
    ("UN1203 gasoline class 3 PG II", "B-UN B-NAME B-CLASS B-CLASS O B-PG"),
    ("UN1830 sulphuric acid class 8 PG II", "B-UN B-NAME I-NAME O B-CLASS O B-PG"),
    ("drums of UN1090 acetone class 3", "O O B-UN B-NAME O B-CLASS"),
    ("UN2794 batteries wet filled with acid class 8", "B-UN B-NAME I-NAME I-NAME I-NAME I-NAME O B-CLASS"),
    ("lithium ion batteries UN3480 class 9", "B-NAME I-NAME I-NAME B-UN O B-CLASS"),
    ("UN1005 ammonia anhydrous class 2", "B-UN B-NAME I-NAME O B-CLASS"),
    ("pallet UN1263 paint class 3 PG III", "O B-UN B-NAME O B-CLASS O B-PG"),
    ("UN1789 hydrochloric acid PG II", "B-UN B-NAME I-NAME O B-PG"),
]

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##12", "##03", "##18", "##30", "##10", "##90",
         "##27", "##94", "##34", "##80", "##05", "##63", "##89", "class", "pg", "ii", "iii", "3", "8", "9", "2",
         "gasoline", "sulphuric", "acid", "drums", "of", "acetone", "batteries", "wet", "filled", "with",
         "lithium", "ion", "ammonia", "anhydrous", "pallet", "paint", "hydrochloric"]


def build_tokenizer():
    vocab_dir = tempfile.mkdtemp()
    vocab_path = os.path.join(vocab_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(vocab_path)


def encode_line(tokenizer, text, tag_str):
    words = text.split()
    word_tags = [TAG2ID[t] for t in tag_str.split()]
    enc = tokenizer(words, is_split_into_words=True)
    tag_ids, prev = [], None
    for wid in enc.word_ids():
        if wid is None or wid == prev:
            tag_ids.append(-100)
        else:
            tag_ids.append(word_tags[wid])
        prev = wid
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "tag_ids": tag_ids}


class ManifestCollator(DataCollatorForTokenClassification):
    """Pads the encoder inputs with the tokenizer and the word-aligned tags by hand."""

    def __call__(self, features):
        tag_lists = [f["tag_ids"] for f in features]
        enc_feats = [{k: v for k, v in f.items() if k != "tag_ids"} for f in features]
        batch = self.tokenizer.pad(enc_feats, padding=self.padding,
                                   pad_to_multiple_of=self.pad_to_multiple_of, return_tensors="pt")
        longest = batch["input_ids"].shape[1]
        padded = [t + [self.label_pad_token_id] * (longest - len(t)) for t in tag_lists]
        batch["labels"] = torch.tensor(padded, dtype=torch.long)
        return batch


def preprocess_logits_for_metrics(logits, labels):
    return logits.argmax(dim=-1)


def compute_metrics(eval_pred):
    preds, gold = eval_pred
    keep = gold != -100
    acc = float((preds[keep] == gold[keep]).mean()) if keep.any() else 0.0
    return {"tag_accuracy": acc}


class ListDataset(torch.utils.data.Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def main():
    tokenizer = build_tokenizer()
    rows = [encode_line(tokenizer, text, tags) for text, tags in MANIFEST_LINES]
    print(f"encoded {len(rows)} manifest lines, lengths: {[len(r['input_ids']) for r in rows]}")
    train_ds, eval_ds = ListDataset(rows[:6]), ListDataset(rows[6:])

    config = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS))
    model = BertForTokenClassification(config)

    args = TrainingArguments(output_dir=tempfile.mkdtemp(), per_device_train_batch_size=3,
                             per_device_eval_batch_size=2, num_train_epochs=2, learning_rate=5e-4,
                             eval_strategy="epoch", logging_steps=1, save_strategy="no",
                             remove_unused_columns=False, disable_tqdm=True, report_to=[], use_cpu=True)
    collator = ManifestCollator(tokenizer=tokenizer, pad_to_multiple_of=8)
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
                      data_collator=collator, compute_metrics=compute_metrics,
                      preprocess_logits_for_metrics=preprocess_logits_for_metrics)
    trainer.train()
    print("final eval:", trainer.evaluate())


if __name__ == "__main__":
    main()
