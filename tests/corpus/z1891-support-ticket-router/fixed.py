"""Support-ticket router: one small BERT encodes a mixed batch of tickets coming from three
annotated pools (intent, urgency, sentiment); a task id per ticket picks the head that scores it.
Per-task gradient norms are tracked to watch for tasks fighting over the shared encoder."""
import os
import random
import tempfile
from collections import defaultdict

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)

TASKS = {"intent": 4, "urgency": 3, "sentiment": 2}
TASK_IDS = {name: i for i, name in enumerate(TASKS)}
TEMPLATES = [
    "my invoice shows a double charge please refund",
    "the app crashes when i open settings",
    "how do i change my delivery address",
    "package never arrived and nobody answers",
    "thanks the new update works great",
    "cannot log in since yesterday urgent",
    "please cancel my subscription today",
    "the agent was very helpful thank you",
]


def write_vocab(folder):
    words = sorted({w for t in TEMPLATES for w in t.split()})
    path = os.path.join(folder, "ticket_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def make_pool(task, n):
    return [{"text": random.choice(TEMPLATES), "task": task, "label": random.randrange(TASKS[task])}
            for _ in range(n)]


def mixed_batches(pools, batch_size, temperature=0.5):
    sizes = {t: len(p) for t, p in pools.items()}
    probs = {t: s ** temperature for t, s in sizes.items()}
    norm = sum(probs.values())
    names = list(pools)
    while True:
        picks = random.choices(names, weights=[probs[t] / norm for t in names], k=batch_size)
        yield [random.choice(pools[t]) for t in picks]


class TicketRouter(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=48, num_hidden_layers=2, num_attention_heads=4,
                         intermediate_size=96, max_position_embeddings=32)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.heads = nn.ModuleList([nn.Linear(cfg.hidden_size, n) for n in TASKS.values()])

    def encode(self, enc):
        out = self.encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"])
        return out.last_hidden_state[:, 0]

    def score(self, cls_vec, task_id):
        return self.heads[task_id](cls_vec)


def collate(tokenizer, tickets):
    enc = tokenizer([t["text"] for t in tickets], padding=True, truncation=True, max_length=32,
                    return_tensors="pt")
    return {
        "enc": enc,
        "task_id": torch.tensor([TASK_IDS[t["task"]] for t in tickets]),
        "label": torch.tensor([t["label"] for t in tickets]),
    }


def train(model, tokenizer, pools, steps=25):
    loss_weights = {"intent": 1.0, "urgency": 0.7, "sentiment": 0.3}
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)
    stream = mixed_batches(pools, batch_size=12)
    grad_log = defaultdict(list)

    model.train()
    for step in range(steps):
        batch = collate(tokenizer, next(stream))
        cls_vec = model.encode(batch["enc"])
        opt.zero_grad()
        for name, tid in TASK_IDS.items():
            rows = batch["task_id"] == tid
            if not rows.any():
                continue
            logits = model.score(cls_vec[rows], tid)
            loss = loss_weights[name] * F.cross_entropy(logits, batch["label"][rows])
            before = [p.grad.clone() if p.grad is not None else None for p in model.encoder.parameters()]
            loss.backward(retain_graph=True)
            delta = sum(((p.grad - (b if b is not None else 0)) ** 2).sum()
                        for p, b in zip(model.encoder.parameters(), before) if p.grad is not None)
            grad_log[name].append(delta.sqrt().item())
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 5 == 0:
            summary = ", ".join(f"{n}:{sum(v[-5:]) / len(v[-5:]):.3f}" for n, v in grad_log.items() if v)
            print(f"step {step:02d} encoder grad norms -> {summary}")
    return grad_log


def main():
    pools = {"intent": make_pool("intent", 300), "urgency": make_pool("urgency", 80),
             "sentiment": make_pool("sentiment", 40)}
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = BertTokenizer(write_vocab(tmp))
    model = TicketRouter(len(tokenizer))
    train(model, tokenizer, pools)


if __name__ == "__main__":
    main()
