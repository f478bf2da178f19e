import os
import re
import tempfile

import torch
from torch.utils.data import Dataset
from transformers import (BertConfig, BertForSequenceClassification, BertTokenizer,
                          Trainer, TrainingArguments)

WORKDIR = tempfile.mkdtemp()

TICKETS = [
    ("where is my order 88213 it was due monday", "shipping"),
    ("please send the invoice to anna@shop.com", "billing"),
    ("the link https://x.co/r/55 does not open", "technical"),
    ("order 10442 arrived broken", "shipping"),
    ("i was charged twice for order 77120", "billing"),
    ("cannot log in with bob@mail.net", "technical"),
    ("refund for order 30021 please", "billing"),
    ("tracking for 99120 says lost", "shipping"),
    ("app crashes when i open https://shop.com/cart", "technical"),
    ("change billing email to cara@corp.org", "billing"),
    ("package for order 55501 is late", "shipping"),
    ("reset password link https://shop.com/reset expired", "technical"),
]
LABELS = sorted({lab for _, lab in TICKETS})
PLACEHOLDERS = ["[ORDER]", "[EMAIL]", "[URL]"]


def mask_entities(text):
    text = re.sub(r"https?://\S+", "[URL]", text)
    text = re.sub(r"\S+@\S+", "[EMAIL]", text)
    return re.sub(r"\b\d{5}\b", "[ORDER]", text)


def build_tokenizer(texts):
    words = sorted({w for t in texts for w in t.split() if w not in PLACEHOLDERS})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(WORKDIR, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(path)
    tok.add_tokens(PLACEHOLDERS, special_tokens=True)
    return tok, len(vocab)


class TicketSet(Dataset):
    def __init__(self, rows, tok):
        self.enc = tok([t for t, _ in rows], padding="max_length", truncation=True, max_length=24)
        self.targets = [LABELS.index(lab) for _, lab in rows]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.targets[i])
        return item


def main():
    torch.manual_seed(0)
    rows = [(mask_entities(t), lab) for t, lab in TICKETS]
    tok, base_size = build_tokenizer([t for t, _ in rows])
    cfg = BertConfig(vocab_size=base_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64, num_labels=len(LABELS))
    model = BertForSequenceClassification(cfg)
    model.resize_token_embeddings(len(tok))

    args = TrainingArguments(output_dir=os.path.join(WORKDIR, "out"), per_device_train_batch_size=4,
                             num_train_epochs=2, learning_rate=5e-4, use_cpu=True, report_to="none",
                             save_strategy="no", logging_strategy="no", disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=TicketSet(rows, tok))
    trainer.train()

    probe = tok(mask_entities("where is order 12345"), return_tensors="pt")
    with torch.no_grad():
        pred = model(**probe).logits.argmax(-1).item()
    print("routed to:", LABELS[pred])


if __name__ == "__main__":
    main()
