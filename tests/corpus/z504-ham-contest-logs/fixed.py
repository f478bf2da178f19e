"""Tag fields in amateur-radio contest log lines (callsign / band / mode / report)
with a tiny BERT token classifier, trained through the HF Trainer.

The tag distribution is very skewed (most tokens are "O"), so we plug a
class-weighted cross-entropy into Trainer.compute_loss.
"""
import os
import random
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer,
                          Trainer, TrainingArguments)

random.seed(0)
np.random.seed(0)
torch.manual_seed(0)

MAX_LEN = 48
TAGS = ["O", "CALL", "BAND", "MODE", "RST"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

# (line, per-word tags) straight out of the cabrillo-to-text converter
LOG_LINES = [
    ("worked dl3abc on 20m ssb report 59", "O CALL O BAND MODE O RST"),
    ("ja1xyz 40m cw 599 weak signal", "CALL BAND MODE RST O O"),
    ("qso with ve7qrp 15m ft8 report 57 fading", "O O CALL BAND MODE O RST O"),
    ("k1ttt 80m cw 579", "CALL BAND MODE RST"),
    ("heard g4bbb on 10m ssb 55 then lost him in the noise", "O CALL O BAND MODE RST O O O O O O"),
    ("vk2aaa 20m ft8 report 59 long path", "CALL BAND MODE O RST O O"),
    ("worked ea8zz 40m ssb 58", "O CALL BAND MODE RST"),
    ("py2xx 15m cw report 599 good copy", "CALL BAND MODE O RST O O"),
]


def write_vocab(lines):
    words = sorted({w for text, _ in lines for w in text.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab_dir = tempfile.mkdtemp(prefix="hamlog_vocab_")
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path, len(specials) + len(words)


class ContestLogDataset(Dataset):
    def __init__(self, lines, tokenizer):
        self.items = []
        for text, tag_str in lines:
            words = text.split()
            enc = tokenizer(words, is_split_into_words=True, truncation=True, max_length=MAX_LEN)
            word_tags = [TAG2ID[t] for t in tag_str.split()]
            aligned = []
            for wid in enc.word_ids():
                aligned.append(-100 if wid is None else word_tags[wid])
            self.items.append({"input_ids": enc["input_ids"],
                               "attention_mask": enc["attention_mask"],
                               "tag_ids": aligned})

    def __len__(self):
        return len(self.items)

    def __getitem__(self, idx):
        return self.items[idx]


class LogLineCollator:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, features):
        batch = self.tokenizer.pad(
            [{"input_ids": f["input_ids"], "attention_mask": f["attention_mask"]} for f in features],
            padding="longest", return_tensors="pt")
        width = batch["input_ids"].size(1)
        tag_rows = []
        for f in features:
            row = list(f["tag_ids"])
            row += [-100] * (width - len(row))
            tag_rows.append(row)
        batch["labels"] = torch.tensor(tag_rows, dtype=torch.long)
        return batch


class WeightedTagTrainer(Trainer):
    def __init__(self, *args, tag_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tag_weights = tag_weights

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        gold_tags = inputs.pop("labels")
        outputs = model(**inputs)
        logits = outputs.logits
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), gold_tags.reshape(-1),
                               weight=self.tag_weights.to(logits.device), ignore_index=-100)
        return (loss, outputs) if return_outputs else loss


def main():
    vocab_path, vocab_size = write_vocab(LOG_LINES)
    tokenizer = BertTokenizer(vocab_path, do_lower_case=True)
    print(f"vocab size: {vocab_size}")

    config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, num_labels=len(TAGS))
    model = BertForTokenClassification(config)

    train_ds = ContestLogDataset(LOG_LINES, tokenizer)
    print(f"training lines: {len(train_ds)}")

    # "O" dominates; down-weight it
    tag_weights = torch.tensor([0.3, 1.0, 1.0, 1.0, 1.0])

    out_dir = tempfile.mkdtemp(prefix="hamlog_run_")
    args = TrainingArguments(output_dir=out_dir, per_device_train_batch_size=4,
                             num_train_epochs=2, learning_rate=5e-4, logging_steps=1,
                             save_strategy="no", report_to="none", use_cpu=True,
                             remove_unused_columns=False, seed=0)

    trainer = WeightedTagTrainer(model=model, args=args, train_dataset=train_ds,
                                 data_collator=LogLineCollator(tokenizer),
                                 tag_weights=tag_weights)
    result = trainer.train()
    print(f"final train loss: {result.training_loss:.4f}")


if __name__ == "__main__":
    main()
