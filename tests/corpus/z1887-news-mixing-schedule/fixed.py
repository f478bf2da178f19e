import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(21)
torch.manual_seed(21)

TOPICS = ["politics", "sports", "business", "science"]
STANCES = ["agree", "disagree", "discuss"]
LEXICON = {
    "politics": "senate vote election minister policy bill parliament campaign".split(),
    "sports": "match goal league coach season striker final injury".split(),
    "business": "market shares profit merger investors quarter revenue bank".split(),
    "science": "study researchers climate genome telescope vaccine species lab".split(),
}
FILLER = "the a of to in on says new after report over first you will not believe this".split()
MIXING_CAP = 200          # examples-proportional mixing, large tasks capped at this many
STEPS = 45
LOSS_SCALE = {"topic": 1.0, "stance": 1.0, "clickbait": 0.5}


def build_vocab_file(folder):
    words = sorted({w for ws in LEXICON.values() for w in ws} | set(FILLER))
    path = os.path.join(folder, "news_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def headline(topic, n=8):
    return " ".join(random.choice(LEXICON[topic] + FILLER) for _ in range(n))


def build_corpora():
    topic = [(headline(t), None, TOPICS.index(t)) for t in random.choices(TOPICS, k=320)]
    stance = []
    for _ in range(120):
        t = random.choice(TOPICS)
        stance.append((headline(t), headline(t, 14), random.randrange(len(STANCES))))
    clickbait = [(headline(random.choice(TOPICS), 6) + " you will not believe this", None, 1)
                 for _ in range(30)]
    clickbait += [(headline(random.choice(TOPICS)), None, 0) for _ in range(30)]
    return {"topic": topic, "stance": stance, "clickbait": clickbait}


class NewsMultiTask(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg)
        self.heads = nn.ModuleDict({
            "topic": nn.Linear(32, len(TOPICS)),
            "stance": nn.Linear(32, len(STANCES)),
            "clickbait": nn.Linear(32, 2),
        })

    def forward(self, task, enc):
        cls = self.bert(**enc).last_hidden_state[:, 0]
        return self.heads[task](cls)


def make_batch(tokenizer, rows):
    firsts = [r[0] for r in rows]
    seconds = [r[1] for r in rows]
    if seconds[0] is None:
        enc = tokenizer(firsts, padding=True, truncation=True, max_length=40, return_tensors="pt")
    else:
        enc = tokenizer(firsts, seconds, padding=True, truncation=True, max_length=40,
                        return_tensors="pt")
    return dict(enc), torch.tensor([r[2] for r in rows])


def build_schedule(corpora, n_steps):
    names = list(corpora)
    task_sizes = torch.tensor([len(corpora[n]) for n in names], dtype=torch.float)
    mixing_weights = torch.clamp(task_sizes, max=MIXING_CAP)
    draws = torch.multinomial(mixing_weights, n_steps, replacement=True)
    return [names[i] for i in draws.tolist()]


def main():
    tmp = tempfile.mkdtemp(prefix="newsmtl_")
    tokenizer = BertTokenizer(build_vocab_file(tmp))
    corpora = build_corpora()
    print("task sizes:", {k: len(v) for k, v in corpora.items()})

    model = NewsMultiTask(tokenizer.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)

    schedule = build_schedule(corpora, STEPS)
    seen = {t: 0 for t in corpora}
    model.train()
    for step, task in enumerate(schedule):
        rows = random.sample(corpora[task], 12)
        enc, gold = make_batch(tokenizer, rows)
        loss = LOSS_SCALE[task] * F.cross_entropy(model(task, enc), gold)
        opt.zero_grad()
        loss.backward()
        opt.step()
        seen[task] += 1
        if step % 15 == 0:
            print(f"step {step:3d} {task:10s} loss {loss.item():.3f}")
    print("batches per task:", seen)

    model.eval()
    with torch.no_grad():
        for task, rows in corpora.items():
            enc, gold = make_batch(tokenizer, rows[:32])
            acc = (model(task, enc).argmax(-1) == gold).float().mean().item()
            print(f"{task}: acc {acc:.2f}")


if __name__ == "__main__":
    main()
