import itertools
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)

TASKS = [
    {"name": "urgency", "prefix": "[URGENCY]", "labels": ["low", "normal", "critical"], "weight": 1.0},
    {"name": "routing", "prefix": "[ROUTE]", "labels": ["it", "billing", "facilities", "hr"], "weight": 0.7},
]

TERMS = ("printer broken vpn down cannot login invoice wrong refund payroll missing badge access "
         "office too cold laptop screen flicker password reset urgent asap outage whole team blocked "
         "please help when possible thanks").split()


def fake_tickets(n, n_labels):
    return [(" ".join(random.choices(TERMS, k=random.randint(4, 12))), random.randrange(n_labels)) for _ in range(n)]


ticket_sets = {
    "urgency": fake_tickets(56, 3),
    "routing": fake_tickets(20, 4),
}


def write_vocab(folder):
    path = os.path.join(folder, "helpdesk_vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        f.write("\n".join(specials + sorted(set(TERMS))) + "\n")
    return path


def make_tokenizer(folder):
    tokenizer = BertTokenizer(write_vocab(folder))
    tokenizer.add_special_tokens({"additional_special_tokens": [t["prefix"] for t in TASKS]})
    return tokenizer


class TicketCollator:
    def __init__(self, tokenizer, task_idx):
        self.tokenizer = tokenizer
        self.task_idx = task_idx
        self.prefix = TASKS[task_idx]["prefix"]

    def __call__(self, rows):
        texts = [f"{self.prefix} {text}" for text, _ in rows]
        enc = self.tokenizer(texts, padding=True, truncation=True, max_length=32, return_tensors="pt")
        return {
            "task_idx": self.task_idx,
            "tokens": enc["input_ids"],
            "attn": enc["attention_mask"],
            "y": torch.tensor([label for _, label in rows]),
        }


class HelpdeskModel(nn.Module):
    def __init__(self, vocab_size, hidden=32):
        super().__init__()
        config = BertConfig(
            vocab_size=vocab_size,
            hidden_size=hidden,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=64,
        )
        self.backbone = BertModel(config, add_pooling_layer=False)
        self.heads = nn.ModuleList([nn.Linear(hidden, len(t["labels"])) for t in TASKS])

    def forward(self, task_idx, tokens, attn):
        cls = self.backbone(input_ids=tokens, attention_mask=attn).last_hidden_state[:, 0]
        return self.heads[task_idx](cls)


def endless(loader):
    while True:
        for batch in loader:
            yield batch


def main():
    tmp = tempfile.mkdtemp()
    tokenizer = make_tokenizer(tmp)
    loaders = [
        DataLoader(ticket_sets[t["name"]], batch_size=8, shuffle=True, collate_fn=TicketCollator(tokenizer, i))
        for i, t in enumerate(TASKS)
    ]
    streams = [endless(dl) for dl in loaders]
    sizes = [len(ticket_sets[t["name"]]) for t in TASKS]
    schedule = list(itertools.chain.from_iterable([i] * (s // 8) for i, s in enumerate(sizes)))

    model = HelpdeskModel(vocab_size=tokenizer.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(2):
        random.shuffle(schedule)
        running = [0.0] * len(TASKS)
        for task_idx in schedule:
            batch = next(streams[task_idx])
            logits = model(batch["task_idx"], batch["tokens"], batch["attn"])
            loss = TASKS[task_idx]["weight"] * loss_fn(logits, batch["y"])
            optim.zero_grad()
            loss.backward()
            optim.step()
            running[task_idx] += loss.item()
        summary = ", ".join(f"{t['name']}={r:.3f}" for t, r in zip(TASKS, running))
        print(f"epoch {epoch}: {summary}")


if __name__ == "__main__":
    main()
