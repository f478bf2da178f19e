"""Fine-tune a tiny GPT-2 as a review sentiment classifier with the HF Trainer."""
import json
import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (DataCollatorWithPadding, GPT2Config, GPT2ForSequenceClassification, GPT2Tokenizer,
                          Trainer, TrainingArguments)

torch.manual_seed(0)
WORK = tempfile.mkdtemp()


def bytes_to_unicode():
    """GPT-2's reversible byte -> printable unicode table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + list(range(ord("\xae"), ord("\xff") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


def write_byte_level_tokenizer(folder):
    """Byte-level BPE files: 256 byte symbols plus <|endoftext|>, no merges (character-level GPT-2)."""
    symbols = list(bytes_to_unicode().values())
    vocab = {s: i for i, s in enumerate(symbols)}
    vocab["<|endoftext|>"] = len(vocab)
    with open(os.path.join(folder, "vocab.json"), "w") as f:
        json.dump(vocab, f)
    with open(os.path.join(folder, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n")


write_byte_level_tokenizer(WORK)
tokenizer = GPT2Tokenizer(os.path.join(WORK, "vocab.json"), os.path.join(WORK, "merges.txt"))

config = GPT2Config(vocab_size=len(tokenizer), n_embd=32, n_layer=2, n_head=2, n_inner=64, n_positions=128,
                    num_labels=2)
model = GPT2ForSequenceClassification(config)

# GPT-2 has no padding token; give it one so batches can be padded
tokenizer.add_special_tokens({"pad_token": "[PAD]"})
model.config.pad_token_id = tokenizer.pad_token_id
model.resize_token_embeddings(len(tokenizer))

REVIEWS = [("great phone, love it", 1), ("battery died after a week", 0), ("works fine", 1),
           ("screen cracked on day one, refund please", 0), ("fast delivery and nice case", 1),
           ("terrible", 0), ("would buy again", 1), ("the charger never worked", 0)]


class ReviewSet(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, label = self.rows[i]
        enc = tokenizer(text, truncation=True, max_length=64)
        enc["labels"] = label
        return enc


args = TrainingArguments(output_dir=os.path.join(WORK, "out"), report_to=[], use_cpu=True, save_strategy="no",
                         disable_tqdm=True, max_steps=3, per_device_train_batch_size=4, learning_rate=5e-4, seed=0)
trainer = Trainer(model=model, args=args, train_dataset=ReviewSet(REVIEWS),
                  data_collator=DataCollatorWithPadding(tokenizer))
trainer.train()
print("done")
