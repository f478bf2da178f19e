import csv
import os
import random
import tempfile
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)

POS = "great love perfect sturdy comfortable fast recommend quality soft bright".split()
NEG = "broken late cheap flimsy refund smell scratched small wrong disappointed".split()
NEUTRAL = "the it was and fits color size box arrived item product shoes lamp".split()
RETURN_REASONS = ["damaged", "wrong_size", "not_as_described", "changed_mind"]


def write_review_exports(folder):
    """Simulates three exports of the shop backend, each a different size."""
    paths = {}
    rows = []
    for i in range(240):
        stars = random.randint(1, 5)
        pool = POS if stars >= 4 else NEG if stars <= 2 else NEUTRAL
        text = " ".join(random.choice(pool + NEUTRAL) for _ in range(random.randint(5, 14)))
        rows.append({"review_id": i, "text": text, "rating": stars,
                     "helpful_votes": random.randint(0, 9), "return_reason": random.choice(RETURN_REASONS)})
    splits = {"stars": rows, "helpful": rows[:150], "returns": [r for r in rows if r["rating"] <= 2]}
    for name, part in splits.items():
        paths[name] = os.path.join(folder, f"{name}.csv")
        with open(paths[name], "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(part[0].keys()))
            w.writeheader()
            w.writerows(part)
    return paths


def load_task(path, task):
    examples = []
    with open(path) as fh:
        for row in csv.DictReader(fh):
            if task == "stars":
                target = int(row["rating"]) - 1
            elif task == "helpful":
                target = int(int(row["helpful_votes"]) >= 3)
            else:
                target = RETURN_REASONS.index(row["return_reason"])
            examples.append((row["text"].split(), target))
    return examples


class ReviewEncoder(nn.Module):
    def __init__(self, n_words, dim=48):
        super().__init__()
        self.embed = nn.Embedding(n_words, dim, padding_idx=0)
        layer = nn.TransformerEncoderLayer(dim, nhead=4, dim_feedforward=96, batch_first=True)
        self.body = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)

    def forward(self, word_ids):
        pad = word_ids.eq(0)
        h = self.body(self.embed(word_ids), src_key_padding_mask=pad)
        keep = (~pad).unsqueeze(-1).float()
        return (h * keep).sum(1) / keep.sum(1).clamp(min=1.0)


HEAD_SIZES = {"stars": 5, "helpful": 2, "returns": len(RETURN_REASONS)}
TASK_WEIGHT = {"stars": 1.0, "helpful": 0.3, "returns": 0.6}


def encode_batch(examples, word_index):
    longest = max(len(toks) for toks, _ in examples)
    ids = torch.zeros(len(examples), longest, dtype=torch.long)
    for i, (toks, _) in enumerate(examples):
        ids[i, :len(toks)] = torch.tensor([word_index.get(t, 1) for t in toks])
    targets = torch.tensor([y for _, y in examples])
    return {"word_ids": ids, "targets": targets}


def main():
    folder = tempfile.mkdtemp(prefix="reviews_")
    paths = write_review_exports(folder)
    tasks = {name: load_task(p, name) for name, p in paths.items()}
    print({k: len(v) for k, v in tasks.items()})

    counts = Counter(tok for ex in tasks["stars"] for tok in ex[0])
    word_index = {w: i + 2 for i, (w, _) in enumerate(counts.most_common())}

    encoder = ReviewEncoder(len(word_index) + 2)
    heads = nn.ModuleDict({t: nn.Linear(48, n) for t, n in HEAD_SIZES.items()})
    params = list(encoder.parameters()) + list(heads.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)

    sizes = {t: len(ex) for t, ex in tasks.items()}
    total = sum(sizes.values())
    bs = 16
    for step in range(60):
        picked = {t: random.sample(tasks[t], min(bs, sizes[t])) for t in tasks
                  if random.random() < 0.5 + sizes[t] / total}
        if not picked:
            continue
        loss = 0.0
        parts = {}
        for task, examples in picked.items():
            batch = encode_batch(examples, word_index)
            logits = heads[task](encoder(batch["word_ids"]))
            task_loss = F.cross_entropy(logits, batch["targets"])
            parts[task] = task_loss.item()
            loss = loss + TASK_WEIGHT[task] * task_loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 20 == 0:
            print(step, {k: round(v, 3) for k, v in parts.items()})

    encoder.eval()
    with torch.no_grad():
        batch = encode_batch(tasks["stars"][:64], word_index)
        pred = heads["stars"](encoder(batch["word_ids"])).argmax(-1)
        print("star accuracy", (pred == batch["targets"]).float().mean().item())


if __name__ == "__main__":
    main()
