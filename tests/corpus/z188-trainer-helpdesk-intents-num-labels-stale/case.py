import os
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

WORKDIR = tempfile.mkdtemp(prefix="helpdesk_")

TICKETS = [
    ("my password reset link never arrived", "account"),
    ("cannot log in after changing my email", "account"),
    ("please close my account", "account"),
    ("i was charged twice this month", "billing"),
    ("refund for the annual plan please", "billing"),
    ("invoice shows the wrong company name", "billing"),
    ("the app crashes when i open settings", "bug"),
    ("export to csv produces an empty file", "bug"),
    ("dark mode text is unreadable", "bug"),
    ("can you add a calendar integration", "feature"),
    ("would love keyboard shortcuts", "feature"),
    ("please support two factor with hardware keys", "feature"),
    ("my package has not shipped yet", "shipping"),
    ("tracking number does not work", "shipping"),
    ("the box arrived damaged", "shipping"),
]

INTENTS = sorted({tag for _, tag in TICKETS})
intent_to_id = {name: i for i, name in enumerate(INTENTS)}


def write_vocab(texts, path):
    words = sorted({w for t in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


class TicketSet(Dataset):
    def __init__(self, rows, tok, max_len=24):
        self.rows = rows
        self.tok = tok
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        text, tag = self.rows[idx]
        enc = self.tok(text, padding="max_length", truncation=True,
                       max_length=self.max_len, return_tensors="pt")
        item = {k: v.squeeze(0) for k, v in enc.items()}
        item["labels"] = torch.tensor(intent_to_id[tag])
        return item


def build_model(vocab_size):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=4)
    return BertForSequenceClassification(cfg)


def main():
    vocab_path = write_vocab([t for t, _ in TICKETS], os.path.join(WORKDIR, "vocab.txt"))
    tokenizer = BertTokenizer(vocab_path)
    train_ds = TicketSet(TICKETS, tokenizer)
    model = build_model(tokenizer.vocab_size)

    args = TrainingArguments(
        output_dir=os.path.join(WORKDIR, "out"),
        per_device_train_batch_size=8,
        num_train_epochs=2,
        learning_rate=5e-4,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_ds)
    trainer.train()
    print("intents:", INTENTS)


if __name__ == "__main__":
    main()
