"""Help-desk ticket triage: route tickets to a queue from subject, body and product area."""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertTokenizer,
    DataCollatorWithPadding,
    Trainer,
    TrainingArguments,
)

QUEUES = ["billing", "outage", "account", "hardware"]
PRODUCTS = ["router", "modem", "mesh", "voip", "tv"]
SUBJECT_WORDS = ["cannot", "login", "charged", "twice", "no", "signal", "slow", "refund", "reset", "password"]
BODY_WORDS = ["the", "light", "is", "red", "since", "yesterday", "invoice", "shows", "wrong", "amount",
              "please", "help", "device", "keeps", "rebooting", "my", "email", "locked", "out"]


@dataclass
class TriageSettings:
    max_len: int = 48
    hidden: int = 32
    epochs: int = 1
    batch_size: int = 8
    seed: int = 13


def write_vocab(folder):
    words = sorted(set(SUBJECT_WORDS + BODY_WORDS + PRODUCTS))
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def fake_tickets(n, rng):
    rows = []
    for _ in range(n):
        subject = " ".join(rng.choices(SUBJECT_WORDS, k=rng.randint(2, 4)))
        body = " ".join(rng.choices(BODY_WORDS, k=rng.randint(5, 14)))
        product = rng.choice(PRODUCTS)
        rows.append({"subject": subject, "body": body, "product": product,
                     "queue": rng.randrange(len(QUEUES))})
    return rows


class TicketDataset(Dataset):
    """[CLS] subject [SEP] body [SEP] product [SEP], one segment id per field."""

    FIELDS = ("subject", "body", "product")

    def __init__(self, rows, tokenizer, max_len):
        self.rows = rows
        self.tok = tokenizer
        self.max_len = max_len

    def __len__(self):
        return len(self.rows)

    def encode(self, row):
        ids = [self.tok.cls_token_id]
        segments = [0]
        for seg_no, field in enumerate(self.FIELDS):
            piece = self.tok.convert_tokens_to_ids(self.tok.tokenize(row[field]))
            piece = piece + [self.tok.sep_token_id]
            ids.extend(piece)
            segments.extend([seg_no] * len(piece))
        ids, segments = ids[: self.max_len], segments[: self.max_len]
        return ids, segments

    def __getitem__(self, i):
        ids, segments = self.encode(self.rows[i])
        return {
            "input_ids": ids,
            "token_type_ids": segments,
            "attention_mask": [1] * len(ids),
            "labels": self.rows[i]["queue"],
        }


def build_model(tokenizer, settings):
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=settings.hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(QUEUES),
    )
    return BertForSequenceClassification(cfg)


def main():
    settings = TriageSettings()
    rng = random.Random(settings.seed)
    torch.manual_seed(settings.seed)
    workdir = tempfile.mkdtemp(prefix="triage_")

    tokenizer = BertTokenizer(write_vocab(workdir))
    train_ds = TicketDataset(fake_tickets(64, rng), tokenizer, settings.max_len)
    eval_ds = TicketDataset(fake_tickets(16, rng), tokenizer, settings.max_len)
    model = build_model(tokenizer, settings)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "out"),
        num_train_epochs=settings.epochs,
        per_device_train_batch_size=settings.batch_size,
        per_device_eval_batch_size=settings.batch_size,
        learning_rate=5e-4,
        logging_steps=4,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        data_collator=DataCollatorWithPadding(tokenizer),
    )
    trainer.train()
    metrics = trainer.evaluate()
    print("eval loss", round(metrics["eval_loss"], 4))


if __name__ == "__main__":
    main()
