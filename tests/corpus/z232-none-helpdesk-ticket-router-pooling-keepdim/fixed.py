import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

QUEUES = ["billing", "outage", "account", "hardware", "shipping"]

TICKETS = [
    ("i was charged twice for my subscription this month", "billing"),
    ("the invoice shows a fee i never agreed to", "billing"),
    ("please refund the extra payment on my card", "billing"),
    ("why did my plan price go up without notice", "billing"),
    ("my credit card was declined but the money left my account", "billing"),
    ("the internet has been down since this morning", "outage"),
    ("no signal at all in our office building", "outage"),
    ("the service keeps dropping every few minutes", "outage"),
    ("whole street lost connection after the storm", "outage"),
    ("the website will not load for anyone here", "outage"),
    ("i cannot log in after resetting my password", "account"),
    ("please change the email address on my profile", "account"),
    ("my account was locked after too many attempts", "account"),
    ("how do i add a second user to my account", "account"),
    ("the two factor code never arrives", "account"),
    ("the router light is blinking red", "hardware"),
    ("my modem gets very hot and restarts", "hardware"),
    ("the power adapter for the router is broken", "hardware"),
    ("the cable port on the modem is loose", "hardware"),
    ("my new router will not turn on", "hardware"),
    ("my package has not arrived after two weeks", "shipping"),
    ("the tracking number does not work", "shipping"),
    ("the box arrived damaged and the modem is missing", "shipping"),
    ("can you send the replacement to a different address", "shipping"),
    ("the courier left my order at the house next door", "shipping"),
    ("i paid for express delivery but it came late", "shipping"),
    ("the outage map says everything is fine but nothing works", "outage"),
    ("i want to close my account and delete my data", "account"),
]


def build_tokenizer(texts, folder):
    words = sorted({w for t in texts for w in t.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return BertTokenizer(path)


class TicketSet(Dataset):
    def __init__(self, rows, tok):
        self.rows = rows
        self.tok = tok

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        text, queue = self.rows[i]
        enc = self.tok(text, truncation=True, max_length=32)
        return {"input_ids": enc["input_ids"], "queue": QUEUES.index(queue)}


def collate_tickets(items):
    width = max(len(it["input_ids"]) for it in items)
    ids = torch.zeros(len(items), width, dtype=torch.long)
    keep = torch.zeros(len(items), width, dtype=torch.long)
    for row, it in enumerate(items):
        ids[row, : len(it["input_ids"])] = torch.tensor(it["input_ids"])
        keep[row, : len(it["input_ids"])] = 1
    routes = torch.tensor([it["queue"] for it in items])
    return {"input_ids": ids, "attention_mask": keep, "labels": routes}


class TicketRouter(nn.Module):
    def __init__(self, config, n_queues):
        super().__init__()
        self.encoder = BertModel(config)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(config.hidden_size, n_queues)

    def forward(self, input_ids, attention_mask, labels=None):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        weights = attention_mask.unsqueeze(-1).float()
        pooled = (states * weights).sum(dim=1) / weights.sum(dim=1)
        logits = self.head(self.dropout(pooled))
        loss = None
        if labels is not None:
            loss = F.cross_entropy(logits, labels)
        return {"loss": loss, "logits": logits}


def main():
    random.seed(0)
    torch.manual_seed(0)
    workdir = tempfile.mkdtemp()
    tok = build_tokenizer([t for t, _ in TICKETS], workdir)
    config = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = TicketRouter(config, len(QUEUES))

    rows = TICKETS[:]
    random.shuffle(rows)
    train_set = TicketSet(rows, tok)

    args = TrainingArguments(
        output_dir=os.path.join(workdir, "router"),
        per_device_train_batch_size=8,
        num_train_epochs=2,
        learning_rate=3e-4,
        logging_steps=2,
        save_strategy="no",
        remove_unused_columns=False,
        report_to="none",
        use_cpu=True,
        disable_tqdm=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=train_set, data_collator=collate_tickets)
    trainer.train()
    print("final loss", trainer.state.log_history[-1])


if __name__ == "__main__":
    main()
