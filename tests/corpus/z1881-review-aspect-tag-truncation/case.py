import random
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(3)
torch.manual_seed(3)

MAX_TOKENS = 24
ASPECT_TAGS = ["O", "B-PRICE", "I-PRICE", "B-QUALITY", "I-QUALITY"]
TAG2ID = {t: i for i, t in enumerate(ASPECT_TAGS)}
FILLER = "i bought this for my kitchen and it arrived on time the box was fine overall".split()
PRICE = [["cheap"], ["good", "value"], ["overpriced"]]
QUALITY = [["sturdy", "build"], ["flimsy"], ["great", "material"]]


def synth_aspect_review():
    words, tags = [], []
    for _ in range(random.randint(1, 4)):
        chunk = random.sample(FILLER, random.randint(3, 9))
        words += chunk
        tags += ["O"] * len(chunk)
        kind, phrases = random.choice([("PRICE", PRICE), ("QUALITY", QUALITY)])
        phrase = random.choice(phrases)
        words += phrase
        tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(phrase) - 1)
    return words, tags


rating_data = [(random.sample(FILLER, random.randint(4, 12)) + random.choice(PRICE + QUALITY), random.randrange(5))
               for _ in range(90)]
aspect_data = [synth_aspect_review() for _ in range(30)]

counts = Counter(w for ws, _ in rating_data for w in ws) + Counter(w for ws, _ in aspect_data for w in ws)
vocab = ["<pad>", "<unk>"] + sorted(counts)
word2id = {w: i for i, w in enumerate(vocab)}


def encode(words):
    return [word2id.get(w, 1) for w in words[:MAX_TOKENS]]


def prepare_aspect_example(words, tags):
    return {"ids": encode(words), "tags": [TAG2ID[t] for t in tags]}


aspect_examples = [prepare_aspect_example(w, t) for w, t in aspect_data]
rating_examples = [{"ids": encode(w), "stars": s} for w, s in rating_data]


def pad_ids(seqs):
    width = max(len(s) for s in seqs)
    out = torch.zeros(len(seqs), width, dtype=torch.long)
    for i, s in enumerate(seqs):
        out[i, : len(s)] = torch.tensor(s)
    return out


def collate(task, rows):
    ids = pad_ids([r["ids"] for r in rows])
    batch = {"task": task, "ids": ids, "pad": ids.eq(0)}
    if task == "rating":
        batch["target"] = torch.tensor([r["stars"] for r in rows])
    else:
        tag_width = max(len(r["tags"]) for r in rows)
        target = torch.full((len(rows), tag_width), -100, dtype=torch.long)
        for i, r in enumerate(rows):
            target[i, : len(r["tags"])] = torch.tensor(r["tags"])
        batch["target"] = target
    return batch


class ReviewEncoder(nn.Module):
    def __init__(self, n_words, dim=48):
        super().__init__()
        self.tok = nn.Embedding(n_words, dim, padding_idx=0)
        self.pos = nn.Embedding(MAX_TOKENS, dim)
        layer = nn.TransformerEncoderLayer(dim, nhead=4, dim_feedforward=96, batch_first=True)
        self.body = nn.TransformerEncoder(layer, num_layers=2)

    def forward(self, ids, pad):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        return self.body(self.tok(ids) + self.pos(positions), src_key_padding_mask=pad)


class ReviewMultiTask(nn.Module):
    def __init__(self, n_words):
        super().__init__()
        self.encoder = ReviewEncoder(n_words)
        self.rating_head = nn.Linear(48, 5)
        self.aspect_head = nn.Linear(48, len(ASPECT_TAGS))

    def forward(self, batch):
        h = self.encoder(batch["ids"], batch["pad"])
        if batch["task"] == "rating":
            keep = (~batch["pad"]).unsqueeze(-1).float()
            pooled = (h * keep).sum(1) / keep.sum(1)
            return self.rating_head(pooled)
        return self.aspect_head(h)


def task_loss(batch, logits):
    if batch["task"] == "rating":
        return F.cross_entropy(logits, batch["target"])
    return F.cross_entropy(logits.view(-1, len(ASPECT_TAGS)), batch["target"].view(-1), ignore_index=-100)


def main():
    model = ReviewMultiTask(len(vocab))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    datasets = {"rating": rating_examples, "aspect": aspect_examples}
    weights = {"rating": 1.0, "aspect": 2.0}
    sample_p = [len(d) ** 0.5 for d in datasets.values()]
    names = list(datasets)

    for step in range(40):
        task = random.choices(names, weights=sample_p)[0]
        batch = collate(task, random.sample(datasets[task], 6))
        logits = model(batch)
        loss = weights[task] * task_loss(batch, logits)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:02d} task={task:<6} loss={loss.item():.4f}")
    print("finished")


if __name__ == "__main__":
    main()
