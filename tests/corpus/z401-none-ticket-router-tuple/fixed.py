"""Route IT helpdesk tickets to one of five queues with a tiny BERT encoder + Trainer."""
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import Dataset
from transformers import BertConfig, BertModel, BertTokenizer, Trainer, TrainingArguments

QUEUES = ["network", "hardware", "accounts", "printing", "software"]
KEYWORDS = {
    "network": ["vpn", "wifi", "dns", "latency", "router"],
    "hardware": ["laptop", "screen", "battery", "keyboard", "dock"],
    "accounts": ["password", "locked", "mfa", "login", "sso"],
    "printing": ["printer", "toner", "jam", "queue", "scan"],
    "software": ["install", "license", "crash", "update", "excel"],
}
FILLER = ["my", "the", "is", "not", "working", "since", "today", "please", "help", "again", "office"]

MAX_LEN = 24


def write_vocab(folder):
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + FILLER
    for kws in KEYWORDS.values():
        words += kws
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(words) + "\n")
    return path


def make_tickets(n, rng):
    rows = []
    for _ in range(n):
        q = rng.randrange(len(QUEUES))
        words = rng.sample(FILLER, 5) + rng.sample(KEYWORDS[QUEUES[q]], 2)
        rng.shuffle(words)
        rows.append((" ".join(words), q))
    return rows


class TicketSet(Dataset):
    def __init__(self, rows, tokenizer):
        texts = [r[0] for r in rows]
        self.enc = tokenizer(texts, padding="max_length", truncation=True, max_length=MAX_LEN)
        self.labels = [r[1] for r in rows]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        item = {k: torch.tensor(v[i]) for k, v in self.enc.items()}
        item["labels"] = torch.tensor(self.labels[i])
        return item


class TicketRouter(nn.Module):
    def __init__(self, vocab_size, n_queues):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.queue_head = nn.Linear(cfg.hidden_size, n_queues)

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        logits = self.queue_head(self.dropout(states[:, 0]))
        return logits, states


class RouterTrainer(Trainer):
    def __init__(self, *args, queue_weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_fn = nn.CrossEntropyLoss(weight=queue_weights)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        logits = outputs[0]
        loss = self.loss_fn(logits, labels)
        return (loss, outputs) if return_outputs else loss


def main():
    rng = random.Random(3)
    torch.manual_seed(3)
    tmp = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(tmp))
    train_ds = TicketSet(make_tickets(120, rng), tokenizer)

    counts = torch.bincount(torch.tensor(train_ds.labels), minlength=len(QUEUES)).float()
    weights = counts.sum() / (len(QUEUES) * counts)

    model = TicketRouter(tokenizer.vocab_size, len(QUEUES))
    args = TrainingArguments(
        output_dir=os.path.join(tmp, "out"),
        per_device_train_batch_size=16,
        num_train_epochs=1,
        learning_rate=5e-4,
        label_names=["labels"],
        logging_steps=5,
        save_strategy="no",
        report_to=[],
        disable_tqdm=True,
        use_cpu=True,
    )
    trainer = RouterTrainer(model=model, args=args, train_dataset=train_ds, queue_weights=weights)
    trainer.train()
    print("trained; last log:", trainer.state.log_history[-1])


if __name__ == "__main__":
    main()
