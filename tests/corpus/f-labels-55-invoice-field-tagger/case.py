import os
import random
import tempfile

import torch
from torch import nn
from transformers import (BertConfig, BertForTokenClassification, BertTokenizer, Trainer,
                          TrainingArguments)

random.seed(0)
torch.manual_seed(0)

FIELD_TAGS = ["O", "VENDOR", "DATE", "TOTAL", "IBAN"]
VENDORS = ["acme", "globex", "initech", "umbrella", "stark"]
FILLER = ["invoice", "from", "dated", "amount", "due", "pay", "to", "account", "ref", "net"]
MAX_LEN = 24

workdir = tempfile.mkdtemp()
vocab_path = os.path.join(workdir, "vocab.txt")
words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + VENDORS + FILLER + [str(d) for d in range(10)] + ["-", "de"]
with open(vocab_path, "w") as f:
    f.write("\n".join(words) + "\n")
tokenizer = BertTokenizer(vocab_path)


def make_invoice_line():
    parts = [("invoice", "O"), ("from", "O"), (random.choice(VENDORS), "VENDOR"), ("dated", "O"),
             (f"{random.randint(1, 9)} - {random.randint(1, 9)}", "DATE"), ("amount", "O"),
             (str(random.randint(1, 9)), "TOTAL"), ("pay", "O"), ("to", "O"),
             (f"de {random.randint(1, 9)} {random.randint(1, 9)}", "IBAN")]
    tokens, tags = [], []
    for text, tag in parts:
        for piece in text.split():
            tokens.append(piece)
            tags.append(FIELD_TAGS.index(tag))
    return tokens, tags


class InvoiceLines(torch.utils.data.Dataset):
    def __init__(self, n):
        self.rows = []
        for _ in range(n):
            tokens, tags = make_invoice_line()
            enc = tokenizer(tokens, is_split_into_words=True, padding="max_length",
                            max_length=MAX_LEN, truncation=True)
            field_ids = [-100] + tags + [-100] * (MAX_LEN - len(tags) - 1)
            self.rows.append({"input_ids": torch.tensor(enc["input_ids"]),
                              "attention_mask": torch.tensor(enc["attention_mask"]),
                              "field_ids": torch.tensor(field_ids)})

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


class FieldTaggerTrainer(Trainer):
    def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
        field_ids = inputs.pop("field_ids")
        outputs = model(**inputs)
        loss = nn.functional.cross_entropy(outputs.logits, field_ids, ignore_index=-100)
        return (loss, outputs) if return_outputs else loss


config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                    num_labels=len(FIELD_TAGS))
model = BertForTokenClassification(config)

args = TrainingArguments(output_dir=os.path.join(workdir, "out"), per_device_train_batch_size=8,
                         num_train_epochs=2, learning_rate=5e-3, logging_steps=10, disable_tqdm=True,
                         report_to=[], use_cpu=True, save_strategy="no", remove_unused_columns=False)
trainer = FieldTaggerTrainer(model=model, args=args, train_dataset=InvoiceLines(64))
trainer.train()
print("final loss", trainer.state.log_history[-1].get("train_loss"))
