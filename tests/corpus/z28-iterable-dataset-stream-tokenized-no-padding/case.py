"""Streaming fine-tuning on a JSON-lines file too big for memory: an IterableDataset with a shuffle buffer."""
import json
import os
import random
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.utils.data import DataLoader, IterableDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
LABELS = {"billing": 0, "technical": 1, "account": 2}
records = [
    {"text": "i was charged twice this month", "topic": "billing"},
    {"text": "the app crashes on start", "topic": "technical"},
    {"text": "please close my account", "topic": "account"},
    {"text": "refund the extra charge on my card please", "topic": "billing"},
    {"text": "login page does not load", "topic": "technical"},
    {"text": "how do i change the email on my account", "topic": "account"},
    {"text": "invoice shows the wrong amount", "topic": "billing"},
    {"text": "sync fails with an error", "topic": "technical"},
]

data_dir = tempfile.mkdtemp()
with open(os.path.join(data_dir, "tickets.jsonl"), "w") as fh:
    for r in records:
        fh.write(json.dumps(r) + "\n")
words = sorted({w for r in records for w in r["text"].split()})
with open(os.path.join(data_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(data_dir, "vocab.txt"))


def read_jsonl(path):
    with open(path) as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def shuffled(stream, buffer_size, seed=0):
    rng, buffer = random.Random(seed), []
    for item in stream:
        buffer.append(item)
        if len(buffer) >= buffer_size:
            yield buffer.pop(rng.randrange(len(buffer)))
    rng.shuffle(buffer)
    yield from buffer


class TicketStream(IterableDataset):
    def __init__(self, path, max_length=32, buffer_size=4):
        self.path, self.max_length, self.buffer_size = path, max_length, buffer_size

    def __iter__(self):
        for record in shuffled(read_jsonl(self.path), self.buffer_size):
            enc = tokenizer(record["text"], truncation=True, max_length=self.max_length, return_tensors="pt")
            item = {key: value.squeeze(0) for key, value in enc.items()}
            item["labels"] = torch.tensor(LABELS[record["topic"]])
            yield item


model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=64,
                                                 max_position_embeddings=64, num_labels=len(LABELS)))
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
loader = DataLoader(TicketStream(os.path.join(data_dir, "tickets.jsonl")), batch_size=4)
for step, batch in enumerate(loader):
    loss = model(**batch).loss
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"step {step}: loss {loss.item():.4f}")
