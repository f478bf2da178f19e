"""Star-rating classifier for product reviews (bag-of-words EmbeddingBag).

Subcommands:
    prepare   write the review CSV and the default settings file
    train     train on the reviews and report accuracy
"""
import argparse
import csv
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

REVIEWS = [
    ("broke after one day total waste of money", 1),
    ("terrible quality do not buy", 1),
    ("not great the strap feels cheap", 2),
    ("works but the battery is weak", 2),
    ("average product does the job", 3),
    ("okay for the price nothing special", 3),
    ("good value fast shipping", 4),
    ("really good sound a bit heavy", 4),
    ("excellent love it would buy again", 5),
    ("perfect gift my dad loves it", 5),
    ("cheap plastic broke quickly", 1),
    ("fine does the job", 3),
]

DEFAULTS = {"embed_dim": 16, "epochs": 5, "batch_size": 4, "lr": 0.05, "seed": 3}


def save_defaults(path):
    path.write_text(json.dumps(DEFAULTS, indent=2))


def resolve_settings(path, args):
    settings = json.loads(path.read_text())
    overrides = {k: v for k, v in vars(args).items() if v is not None and k in settings}
    settings.update(overrides)
    return settings


def write_reviews(path):
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "stars"])
        writer.writerows(REVIEWS)


def read_reviews(path):
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [int(r["stars"]) for r in rows]


def build_lexicon(texts, min_count=1):
    counts = Counter(w for t in texts for w in t.split())
    lexicon = {"<unk>": 0}
    for word, n in counts.most_common():
        if n >= min_count:
            lexicon[word] = len(lexicon)
    return lexicon


def to_bags(texts, lexicon):
    flat, offsets = [], []
    for t in texts:
        offsets.append(len(flat))
        flat.extend(lexicon.get(w, 0) for w in t.split())
    return torch.tensor(flat, dtype=torch.long), torch.tensor(offsets, dtype=torch.long)


class StarClassifier(nn.Module):
    def __init__(self, n_words, embed_dim, num_classes):
        super().__init__()
        self.bag = nn.EmbeddingBag(n_words, embed_dim, mode="mean")
        self.head = nn.Linear(embed_dim, num_classes)

    def forward(self, flat, offsets):
        return self.head(self.bag(flat, offsets))


def batches(texts, targets, batch_size, gen):
    order = torch.randperm(len(texts), generator=gen).tolist()
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        yield [texts[i] for i in idx], targets[idx]


def train(settings, data_path):
    texts, stars = read_reviews(data_path)
    num_classes = len(set(stars))
    targets = torch.tensor(stars, dtype=torch.long) - 1
    lexicon = build_lexicon(texts)
    torch.manual_seed(settings["seed"])
    gen = torch.Generator().manual_seed(settings["seed"])
    model = StarClassifier(len(lexicon), settings["embed_dim"], num_classes)
    opt = torch.optim.SGD(model.parameters(), lr=settings["lr"])
    for epoch in range(settings["epochs"]):
        total = 0.0
        for batch_texts, batch_targets in batches(texts, targets, settings["batch_size"], gen):
            flat, offsets = to_bags(batch_texts, lexicon)
            loss = F.cross_entropy(model(flat, offsets), batch_targets)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total:.3f}")
    with torch.no_grad():
        flat, offsets = to_bags(texts, lexicon)
        preds = model(flat, offsets).argmax(-1)
    print(f"train accuracy {(preds == targets).float().mean().item():.2f} over {num_classes} classes")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", default=None)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare")
    tr = sub.add_parser("train")
    tr.add_argument("--epochs", type=int)
    tr.add_argument("--lr", type=float)
    tr.add_argument("--batch-size", dest="batch_size", type=int)
    args = parser.parse_args(argv)

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="stars_"))
    cfg_path, data_path = workdir / "settings.json", workdir / "reviews.csv"
    if not cfg_path.exists():
        save_defaults(cfg_path)
    if not data_path.exists():
        write_reviews(data_path)
    settings = resolve_settings(cfg_path, args)
    if args.command == "train":
        train(settings, data_path)
    else:
        print(f"prepared {data_path} and {cfg_path}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["train"])
