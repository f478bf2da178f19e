"""Multi-task triage model for messages sent to a small-animal veterinary clinic.

intent: which desk the message goes to; slot: tag species / symptom words.
Shared BERT encoder, the task segment is fed through token_type_ids.
"""
import functools
import itertools
import os
import tempfile

import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

WORDS = ("my cat is vomiting since morning dog limping after walk need booster vaccine appointment "
         "rabbit not eating hay parrot plucking feathers refill for medication kitten sneezing "
         "urgent bleeding paw can i book a checkup").split()
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))

INTENT_DATA = [
    ("my cat is vomiting since morning", "urgent"),
    ("need booster vaccine appointment", "booking"),
    ("refill for medication", "pharmacy"),
    ("urgent bleeding paw", "urgent"),
    ("can i book a checkup", "booking"),
    ("refill for rabbit medication", "pharmacy"),
]
SLOT_DATA = [
    ("dog limping after walk", ["B-SPECIES", "B-SYMPTOM", "O", "O"]),
    ("rabbit not eating hay", ["B-SPECIES", "B-SYMPTOM", "I-SYMPTOM", "O"]),
    ("parrot plucking feathers", ["B-SPECIES", "B-SYMPTOM", "I-SYMPTOM"]),
    ("kitten sneezing", ["B-SPECIES", "B-SYMPTOM"]),
]
INTENTS = ["booking", "pharmacy", "urgent"]
TAGS = ["O", "B-SPECIES", "B-SYMPTOM", "I-SYMPTOM"]

TASKS = {
    "intent": {"segment": 1, "num_labels": len(INTENTS), "batch_size": 3},
    "slot": {"segment": 2, "num_labels": len(TAGS), "batch_size": 2},
}


def write_vocab():
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.writelines(w + "\n" for w in VOCAB)
    return path


def collate(batch, tok, task):
    texts = [b[0] for b in batch]
    enc = tok(texts, padding=True, return_tensors="pt")
    # mark every position with the task's segment
    enc["token_type_ids"] = torch.full_like(enc["input_ids"], TASKS[task]["segment"])
    if task == "intent":
        target = torch.tensor([INTENTS.index(b[1]) for b in batch])
    else:
        width = enc["input_ids"].shape[1]
        target = torch.full((len(batch), width), -100)
        for i, (_, tags) in enumerate(batch):
            target[i, 1:1 + len(tags)] = torch.tensor([TAGS.index(t) for t in tags])
    return task, dict(enc), target


class TriageNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg)
        self.heads = nn.ModuleDict({t: nn.Linear(cfg.hidden_size, s["num_labels"]) for t, s in TASKS.items()})

    def forward(self, task, **enc):
        seq = self.bert(**enc).last_hidden_state
        if task == "intent":
            return self.heads[task](seq[:, 0])
        return self.heads[task](seq)


def round_robin(loaders):
    """Yield (task, batch) alternating between the task loaders until all are exhausted."""
    iters = {t: iter(dl) for t, dl in loaders.items()}
    for t in itertools.cycle(list(iters)):
        if not iters:
            return
        if t not in iters:
            continue
        try:
            yield next(iters[t])
        except StopIteration:
            del iters[t]


def main():
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab())
    cfg = BertConfig(vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32,
                     type_vocab_size=1 + len(TASKS))
    model = TriageNet(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

    sources = {"intent": INTENT_DATA, "slot": SLOT_DATA}
    loaders = {
        t: DataLoader(sources[t], batch_size=TASKS[t]["batch_size"], shuffle=True,
                      collate_fn=functools.partial(collate, tok=tok, task=t))
        for t in TASKS
    }
    model, opt, *prepared = accelerator.prepare(model, opt, *loaders.values())
    loaders = dict(zip(loaders, prepared))
    criteria = {"intent": nn.CrossEntropyLoss(), "slot": nn.CrossEntropyLoss(ignore_index=-100)}

    model.train()
    for epoch in range(2):
        running = {t: 0.0 for t in TASKS}
        for task, enc, target in round_robin(loaders):
            logits = model(task, **enc)
            loss = criteria[task](logits.reshape(-1, logits.shape[-1]), target.reshape(-1))
            accelerator.backward(loss)
            opt.step()
            opt.zero_grad()
            running[task] += loss.item()
        accelerator.print(f"epoch {epoch}: " + ", ".join(f"{t}={v:.3f}" for t, v in running.items()))
    accelerator.print("done")


if __name__ == "__main__":
    main()
