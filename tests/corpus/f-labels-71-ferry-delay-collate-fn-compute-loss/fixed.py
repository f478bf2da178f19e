"""Tag the pieces of ferry service notices: route, vessel, delay length and cause.

Token classification with a tiny BERT, trained through a Trainer subclass that
computes its own token-level loss.
"""
import functools
import os
import tempfile

import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer, Trainer,
                          TrainingArguments)

torch.manual_seed(7)

TAGS = ["O", "ROUTE", "VESSEL", "DELAY", "CAUSE"]
MAX_LABELS = 32

NOTICES = [
    ("harbour-island run on ferry Osprey delayed 40 minutes due to fog",
     "ROUTE O O O VESSEL DELAY DELAY DELAY O O CAUSE"),
    ("ferry Kestrel on northbound crossing held 20 minutes by swell",
     "O VESSEL O ROUTE O O DELAY DELAY O CAUSE"),
    ("Osprey departure cancelled crew shortage",
     "VESSEL O O CAUSE CAUSE"),
    ("southbound crossing 15 minutes late engine fault on Tern",
     "ROUTE O DELAY DELAY DELAY CAUSE CAUSE O VESSEL"),
    ("Tern running on time",
     "VESSEL O O O"),
    ("harbour-island run delayed 1 hour high winds",
     "ROUTE O O DELAY DELAY CAUSE CAUSE"),
]


def write_vocab(sentences):
    words = sorted({w for s in sentences for w in s.lower().split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class NoticeSet(Dataset):
    def __init__(self, pairs, tokenizer):
        self.items = []
        for text, tag_line in pairs:
            words, tags = text.lower().split(), tag_line.split()
            ids = tokenizer.convert_tokens_to_ids(words)
            self.items.append({
                "input_ids": [tokenizer.cls_token_id] + ids + [tokenizer.sep_token_id],
                "labels": [-100] + [TAGS.index(t) for t in tags] + [-100],
            })

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def pad_batch(features, tokenizer, label_len):
    batch = tokenizer.pad([{"input_ids": f["input_ids"]} for f in features],
                          padding=True, return_tensors="pt")
    width = batch["input_ids"].size(1)
    label_rows = []
    for f in features:
        row = f["labels"]
        label_rows.append(row + [-100] * (width - len(row)))
    batch["labels"] = torch.tensor(label_rows)
    return batch


class TokenLossTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        targets = inputs.pop("labels")
        outputs = model(**inputs)
        n_tags = outputs.logits.size(-1)
        loss = F.cross_entropy(outputs.logits.reshape(-1, n_tags), targets.reshape(-1),
                               ignore_index=-100)
        return (loss, outputs) if return_outputs else loss


tok = BertTokenizer(write_vocab([t for t, _ in NOTICES]))
cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=64, max_position_embeddings=64, num_labels=len(TAGS))
model = BertForTokenClassification(cfg)

args = TrainingArguments(output_dir=tempfile.mkdtemp(), num_train_epochs=3, per_device_train_batch_size=3,
                         learning_rate=5e-4, logging_steps=2, save_strategy="no", disable_tqdm=True,
                         report_to=[], use_cpu=True)
trainer = TokenLossTrainer(model=model, args=args, train_dataset=NoticeSet(NOTICES, tok),
                           data_collator=functools.partial(pad_batch, tokenizer=tok, label_len=MAX_LABELS))
result = trainer.train()
print(f"finished: {result.global_step} steps, final loss {result.training_loss:.4f}")
