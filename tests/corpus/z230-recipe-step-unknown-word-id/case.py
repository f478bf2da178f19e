import random
from collections import Counter
from dataclasses import dataclass
import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(7)
torch.manual_seed(7)


@dataclass
class Step:
    text: str
    technique: str


STEPS = [
    Step("preheat the oven and bake the bread for forty minutes", "bake"),
    Step("bake the lasagna covered with foil until bubbling", "bake"),
    Step("roast the squash in a hot oven until golden", "bake"),
    Step("bring a large pot of salted water to a boil", "boil"),
    Step("boil the potatoes until a knife slides in easily", "boil"),
    Step("simmer the lentils in stock for twenty minutes", "boil"),
    Step("fry the onions in butter until soft", "fry"),
    Step("heat oil in a wok and stir fry the vegetables", "fry"),
    Step("sear the steak in a very hot pan", "fry"),
    Step("finely chop the parsley and garlic", "chop"),
    Step("dice the carrots and celery into small cubes", "chop"),
    Step("slice the cucumber into thin rounds", "chop"),
    Step("bake the cookies on a lined tray for twelve minutes", "bake"),
    Step("boil the eggs for exactly seven minutes", "boil"),
    Step("fry the bacon until crisp then drain", "fry"),
    Step("chop the tomatoes roughly and set aside", "chop"),
    Step("poach the pears gently in spiced wine", "boil"),
    Step("mince the shallots with a sharp knife", "chop"),
    Step("brown the mushrooms in a skillet with oil", "fry"),
    Step("bake the muffins until a skewer comes out clean", "bake"),
]
TECHNIQUES = sorted({s.technique for s in STEPS})
random.shuffle(STEPS)
train_steps, eval_steps = STEPS[:14], STEPS[14:]

counts = Counter(w for s in train_steps for w in s.text.split())
stoi = {"<pad>": 0}
for w, _ in counts.most_common():
    stoi[w] = len(stoi)
UNK = -1


def encode_batch(steps, max_words=12):
    rows = []
    for s in steps:
        ids = [stoi.get(w, UNK) for w in s.text.split()][:max_words]
        rows.append(ids + [stoi["<pad>"]] * (max_words - len(ids)))
    return {
        "words": torch.tensor(rows),
        "target": torch.tensor([TECHNIQUES.index(s.technique) for s in steps]),
    }


class StepTagger(nn.Module):
    def __init__(self, n_words, n_out, dim=24):
        super().__init__()
        self.lookup = nn.Embedding(n_words, dim, padding_idx=0)
        self.conv = nn.Conv1d(dim, dim, kernel_size=3, padding=1)
        self.fc = nn.Linear(dim, n_out)

    def forward(self, words):
        e = self.lookup(words).transpose(1, 2)
        h = F.relu(self.conv(e)).max(dim=2).values
        return self.fc(h)


def run_epoch(model, steps, opt=None):
    batch = encode_batch(steps)
    logits = model(batch["words"])
    loss = F.cross_entropy(logits, batch["target"])
    if opt is not None:
        opt.zero_grad()
        loss.backward()
        opt.step()
    acc = (logits.argmax(1) == batch["target"]).float().mean().item()
    return {"loss": loss.item(), "acc": acc}


tagger = StepTagger(len(stoi), len(TECHNIQUES))
opt = torch.optim.Adam(tagger.parameters(), lr=5e-3)
for epoch in range(30):
    stats = run_epoch(tagger, train_steps, opt)
    if epoch % 10 == 0:
        print("train", epoch, stats)

tagger.eval()
with torch.no_grad():
    print("eval", run_epoch(tagger, eval_steps))
