# Apiary inspection assistant: disease tagging + remedy re-ranking on a shared encoder.
# Trained with Accelerate so the same script runs on the lab GPU box.
import functools
import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer


@dataclass(frozen=True)
class TaskSpec:
    num_labels: int
    max_len: int
    top_k: int = 1


TASKS = {
    "disease": TaskSpec(num_labels=4, max_len=24),   # healthy, varroa, foulbrood, nosema
    "remedy": TaskSpec(num_labels=1, max_len=40, top_k=3),
}

DISEASE = [
    ("capped brood looks solid and bees calm", 0), ("mites visible on drones deformed wings", 1),
    ("sunken perforated cappings ropey larvae", 2), ("brown streaks on frames weak colony", 3),
    ("strong flow queen laying well", 0), ("sugar roll count nine mites", 1),
    ("foul smell and discoloured larvae", 2), ("dysentery spots at entrance in spring", 3),
]
# (note, candidate remedies, index of the remedy the inspector applied)
REMEDY = [
    ("mites visible on drones deformed wings",
     ["oxalic acid dribble", "requeen colony", "add super", "formic acid strips"], 0),
    ("sunken perforated cappings ropey larvae",
     ["burn frames and notify inspector", "oxalic acid dribble", "feed syrup", "shook swarm", "add super"], 0),
    ("brown streaks on frames weak colony", ["replace comb and feed syrup", "add super"], 0),
    ("sugar roll count nine mites",
     ["formic acid strips", "requeen colony", "feed syrup", "add super", "oxalic acid dribble", "shook swarm"], 0),
    ("queen not seen no eggs", ["requeen colony", "add super", "feed syrup"], 0),
]


def make_tokenizer():
    texts = [t for t, _ in DISEASE] + [n for n, _, _ in REMEDY] + [c for _, cs, _ in REMEDY for c in cs]
    words = sorted({w for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return BertTokenizer(path)


def collate_disease(rows, tok):
    enc = tok([t for t, _ in rows], padding=True, truncation=True,
              max_length=TASKS["disease"].max_len, return_tensors="pt")
    return {"task": "disease", "enc": dict(enc), "y": torch.tensor([y for _, y in rows])}


def collate_remedy(rows, tok):
    (note, cands, gold), = rows  # one note per batch: a group of (note, remedy) pairs
    enc = tok([note] * len(cands), cands, padding=True, truncation=True,
              max_length=TASKS["remedy"].max_len, return_tensors="pt")
    return {"task": "remedy", "enc": dict(enc), "y": torch.tensor(gold)}


class ApiaryModel(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.bert = BertModel(BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                                         num_attention_heads=2, intermediate_size=64,
                                         max_position_embeddings=64))
        self.heads = nn.ModuleDict({k: nn.Linear(32, s.num_labels) for k, s in TASKS.items()})

    def forward(self, task, enc):
        return self.heads[task](self.bert(**enc).pooler_output)


def task_loss(task, out, y):
    if task == "remedy":
        return F.cross_entropy(out.view(1, -1), y.view(1))  # listwise over candidates
    return F.cross_entropy(out, y)


def proportional_schedule(loaders, rng):
    """Yield batches, picking the task in proportion to how many batches it has left."""
    iters = {t: iter(dl) for t, dl in loaders.items()}
    left = {t: len(dl) for t, dl in loaders.items()}
    while sum(left.values()):
        task = rng.choices(list(left), weights=list(left.values()))[0]
        left[task] -= 1
        yield next(iters[task])


@torch.no_grad()
def evaluate(model, loaders):
    model.eval()
    metrics = {}
    for task, dl in loaders.items():
        hits = []
        for b in dl:
            out = model(task, b["enc"])
            if task == "remedy":
                scores = out.squeeze(-1)
                top = scores.topk(min(TASKS[task].top_k, scores.numel())).indices
                hits.append(float(b["y"].item() in top.tolist()))
            else:
                hits.extend((out.argmax(-1) == b["y"]).float().tolist())
        metrics[f"{task}@{TASKS[task].top_k}"] = sum(hits) / len(hits)
    model.train()
    return metrics


def main():
    torch.manual_seed(0)
    rng = random.Random(0)
    acc = Accelerator(cpu=True)
    tok = make_tokenizer()
    model = ApiaryModel(len(tok))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loaders = {
        "disease": DataLoader(DISEASE, batch_size=4, shuffle=True,
                              collate_fn=functools.partial(collate_disease, tok=tok)),
        "remedy": DataLoader(REMEDY, batch_size=1, shuffle=True,
                             collate_fn=functools.partial(collate_remedy, tok=tok)),
    }
    model, opt, *dls = acc.prepare(model, opt, *loaders.values())
    loaders = dict(zip(loaders, dls))

    for epoch in range(2):
        running = {t: 0.0 for t in TASKS}
        for batch in proportional_schedule(loaders, rng):
            loss = task_loss(batch["task"], model(batch["task"], batch["enc"]), batch["y"])
            acc.backward(loss)
            opt.step()
            opt.zero_grad()
            running[batch["task"]] += loss.item()
        acc.print(f"epoch {epoch} loss", {t: round(v, 3) for t, v in running.items()})
        acc.print(f"epoch {epoch} eval", evaluate(model, loaders))


if __name__ == "__main__":
    main()
