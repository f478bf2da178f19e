# Harbour master incident log: shared BERT encoder, one classification head per task.
# Tasks are sampled proportionally to their dataset size.
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(11)
torch.manual_seed(11)


@dataclass(frozen=True)
class TaskSpec:
    num_labels: int
    max_len: int
    batch_size: int = 4


TASKS = {
    "severity": TaskSpec(num_labels=3, max_len=48),
    # vessel reports are the long free-text ones, give them more room
    "vessel_type": TaskSpec(num_labels=4, max_len=96),
}

DATA = {
    "severity": [
        ("minor scrape against fender at berth four no damage", 0),
        ("mooring line parted during squall vessel secured", 1),
        ("fuel sheen observed near slipway containment booms deployed", 2),
        ("pilot boarding ladder rung loose reported by crew", 1),
        ("crew member fell on deck taken ashore by ambulance", 2),
        ("late arrival notice filed no incident", 0),
    ],
    "vessel_type": [
        ("container feeder reported engine room alarm while waiting at anchorage crew investigated", 0),
        ("bulk carrier loading grain dust cloud over quay", 1),
        ("tug assisting tanker lost tow line briefly", 2),
        ("fishing trawler returned early net fouled on propeller", 3),
        ("tanker requested extra pilot for night transit", 2),
        ("bulk carrier hatch cover seal leaking rainwater", 1),
        ("trawler crew reported ice on rigging", 3),
        ("feeder vessel delayed by crane breakdown at terminal", 0),
    ],
}


def build_tokenizer():
    words = sorted({w for rows in DATA.values() for t, _ in rows for w in t.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    folder = tempfile.mkdtemp(prefix="harbour_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class HarbourMultiTask(nn.Module):
    def __init__(self, config, tasks):
        super().__init__()
        self.encoder = BertModel(config)
        self.heads = nn.ModuleDict({
            name: nn.Sequential(nn.Dropout(0.1), nn.Linear(config.hidden_size, spec.num_labels))
            for name, spec in tasks.items()
        })

    def forward(self, task, **enc):
        pooled = self.encoder(**enc).pooler_output
        return self.heads[task](pooled)


def task_batches(task, tokenizer):
    spec = TASKS[task]
    rows = list(DATA[task])
    random.shuffle(rows)
    for i in range(0, len(rows), spec.batch_size):
        chunk = rows[i:i + spec.batch_size]
        enc = tokenizer([t for t, _ in chunk], padding="max_length", truncation=True,
                        max_length=spec.max_len, return_tensors="pt")
        yield task, dict(enc), torch.tensor([y for _, y in chunk])


def proportional_schedule(tokenizer):
    gens = {name: task_batches(name, tokenizer) for name in TASKS}
    weights = {name: len(DATA[name]) for name in TASKS}
    while gens:
        names = list(gens)
        pick = random.choices(names, weights=[weights[n] for n in names])[0]
        try:
            yield next(gens[pick])
        except StopIteration:
            gens.pop(pick)


def main():
    tok = build_tokenizer()
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = HarbourMultiTask(cfg, TASKS)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(2):
        hits = {n: 0 for n in TASKS}
        seen = {n: 0 for n in TASKS}
        for task, enc, gold in proportional_schedule(tok):
            logits = model(task, **enc)
            loss = loss_fn(logits, gold)
            loss.backward()
            optim.step()
            optim.zero_grad()
            hits[task] += (logits.argmax(dim=-1) == gold).sum().item()
            seen[task] += gold.numel()
        report = ", ".join(f"{n}: {hits[n] / max(seen[n], 1):.2f}" for n in TASKS)
        print(f"epoch {epoch} accuracy -> {report}")


if __name__ == "__main__":
    main()
