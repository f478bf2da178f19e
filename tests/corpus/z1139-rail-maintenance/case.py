# Track maintenance work orders: tag component mentions per token and predict job priority.
# Shared tiny BERT, task heads in a ModuleDict, round-robin over the two task loaders.
import os
import tempfile
from collections import namedtuple

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(21)

TaskSpec = namedtuple("TaskSpec", "num_labels max_len kind")
TASKS = {
    "component": TaskSpec(num_labels=5, max_len=24, kind="token"),
    "priority": TaskSpec(num_labels=3, max_len=24, kind="sequence"),
}
TAGS = ["O", "B-RAIL", "B-SWITCH", "B-SIGNAL", "B-SLEEPER"]

COMPONENT_ROWS = [
    ("cracked sleeper near switch 14", ["O", "B-SLEEPER", "O", "B-SWITCH", "O"]),
    ("signal lamp out at junction", ["B-SIGNAL", "O", "O", "O", "O"]),
    ("rail head wear on curve", ["B-RAIL", "O", "O", "O", "O"]),
    ("grease switch blades", ["O", "B-SWITCH", "O"]),
    ("replace two sleeper clips", ["O", "O", "B-SLEEPER", "O"]),
    ("signal cable damaged by vegetation cutting crew", ["B-SIGNAL", "O", "O", "O", "O", "O", "O"]),
]
PRIORITY_ROWS = [
    ("broken rail reported by driver line blocked", 2),
    ("vegetation encroaching on signal sighting", 1),
    ("paint faded on milepost", 0),
    ("switch failed to detect points locked out", 2),
    ("ballast shoulder thin on embankment", 1),
    ("litter on platform end", 0),
]


def write_vocab():
    words = set()
    for text, _ in COMPONENT_ROWS + PRIORITY_ROWS:
        words.update(text.split())
    d = tempfile.mkdtemp(prefix="rail_tok_")
    path = os.path.join(d, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)))
    return path


class TaskCollator:
    def __init__(self, tokenizer, task):
        self.tok = tokenizer
        self.task = task
        self.spec = TASKS[task]

    def __call__(self, rows):
        words = [text.split() for text, _ in rows]
        enc = self.tok(words, is_split_into_words=True, truncation=True,
                       max_length=self.spec.max_len, padding=True, return_tensors="pt")
        if self.spec.kind == "sequence":
            target = torch.tensor([y for _, y in rows])
        else:
            target = torch.full((len(rows), self.spec.max_len), -100, dtype=torch.long)
            for i, (_, tags) in enumerate(rows):
                for pos, w in enumerate(enc.word_ids(i)):
                    if w is not None:
                        target[i, pos] = TAGS.index(tags[w])
        return {"task": self.task, "inputs": dict(enc), "target": target}


class WorkOrderModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.heads = nn.ModuleDict({t: nn.Linear(cfg.hidden_size, s.num_labels) for t, s in TASKS.items()})

    def forward(self, task, **inputs):
        states = self.bert(**inputs).last_hidden_state
        if TASKS[task].kind == "sequence":
            states = states[:, 0]
        return self.heads[task](states)


def interleave(loaders):
    its = [(name, iter(dl)) for name, dl in loaders.items()]
    while its:
        alive = []
        for name, it in its:
            batch = next(it, None)
            if batch is not None:
                alive.append((name, it))
                yield batch
        its = alive


def main():
    tokenizer = BertTokenizer(write_vocab())
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = WorkOrderModel(cfg)
    data = {"component": COMPONENT_ROWS, "priority": PRIORITY_ROWS}
    loaders = {t: DataLoader(data[t], batch_size=3, shuffle=True, collate_fn=TaskCollator(tokenizer, t))
               for t in TASKS}
    ce = nn.CrossEntropyLoss(ignore_index=-100)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

    for epoch in range(2):
        running = {t: [] for t in TASKS}
        for batch in interleave(loaders):
            task = batch["task"]
            logits = model(task, **batch["inputs"])
            n_cls = TASKS[task].num_labels
            loss = ce(logits.reshape(-1, n_cls), batch["target"].reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running[task].append(loss.item())
        for t, vals in running.items():
            print(f"epoch {epoch} {t:<10} mean loss {sum(vals) / len(vals):.4f} over {len(vals)} batches")


if __name__ == "__main__":
    main()
