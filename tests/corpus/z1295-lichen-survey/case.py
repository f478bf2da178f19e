"""Predict lichen growth form from field-survey descriptions (bag-of-words EmbeddingBag model)."""
import re
import types

import torch
import torch.nn as nn
import yaml

SURVEY_CFG = """
taxonomy:
  substrates: &n_substrates 5     # bark, rock, soil, moss, deadwood
  growth_forms: &n_forms 6
  forms: [crustose, foliose, fruticose, squamulose, leprose, gelatinous]
common: &base
  seed: 21
  embed_dim: 24
model:
  <<: *base
  num_classes: *n_substrates
  mode: mean
data:
  min_count: 1
  report: "forms=${taxonomy.forms} dim=${model.embed_dim}"
train:
  <<: *base
  epochs: 5
  lr: 0.05
"""

FIELD_NOTES = [
    ("grey crust tightly attached to granite boulder black apothecia", "crustose"),
    ("leafy green lobes loosely attached on oak bark", "foliose"),
    ("shrubby pale branches hanging from birch twigs", "fruticose"),
    ("small overlapping scales on soil bank", "squamulose"),
    ("powdery yellow dust on shaded wall", "leprose"),
    ("dark jelly lobes swollen after rain on limestone", "gelatinous"),
    ("orange crust on coastal rock", "crustose"),
    ("beard like tufts on spruce branch", "fruticose"),
]

TOKEN = re.compile(r"[a-z]+")
_VAR = re.compile(r"\$\{([a-zA-Z0-9_.]+)\}")


def expand(node, root):
    """Resolve ${a.b} references against the parsed YAML tree."""
    def find(path):
        out = root
        for key in path.split("."):
            out = out[key]
        return expand(out, root)

    if isinstance(node, dict):
        return {k: expand(v, root) for k, v in node.items()}
    if isinstance(node, list):
        return [expand(v, root) for v in node]
    if isinstance(node, str):
        exact = _VAR.fullmatch(node)
        if exact:
            return find(exact.group(1))
        return _VAR.sub(lambda m: str(find(m.group(1))), node)
    return node


def ns(obj):
    if isinstance(obj, dict):
        return types.SimpleNamespace(**{k: ns(v) for k, v in obj.items()})
    if isinstance(obj, list):
        return [ns(v) for v in obj]
    return obj


def build_vocab(notes, min_count):
    counts = {}
    for text, _ in notes:
        for w in TOKEN.findall(text.lower()):
            counts[w] = counts.get(w, 0) + 1
    return {w: i for i, w in enumerate(sorted(w for w, c in counts.items() if c >= min_count))}


def flatten(notes, vocab, form_index):
    flat, offsets, targets = [], [], []
    for text, form in notes:
        offsets.append(len(flat))
        flat.extend(vocab[w] for w in TOKEN.findall(text.lower()) if w in vocab)
        targets.append(form_index[form])
    return torch.tensor(flat), torch.tensor(offsets), torch.tensor(targets)


class GrowthFormClassifier(nn.Module):
    def __init__(self, vocab_size, settings):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, settings.embed_dim, mode=settings.mode)
        self.fc = nn.Linear(settings.embed_dim, settings.num_classes)

    def forward(self, flat, offsets):
        return self.fc(self.bag(flat, offsets))


def main():
    parsed = yaml.safe_load(SURVEY_CFG)
    cfg = ns(expand(parsed, parsed))
    torch.manual_seed(cfg.train.seed)
    print(cfg.data.report)

    form_index = {f: i for i, f in enumerate(cfg.taxonomy.forms)}
    vocab = build_vocab(FIELD_NOTES, cfg.data.min_count)
    flat, offsets, form_ids = flatten(FIELD_NOTES, vocab, form_index)

    clf = GrowthFormClassifier(len(vocab), cfg.model)
    opt = torch.optim.SGD(clf.parameters(), lr=cfg.train.lr)
    criterion = nn.CrossEntropyLoss()

    for epoch in range(1, cfg.train.epochs + 1):
        scores = clf(flat, offsets)
        loss = criterion(scores, form_ids)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"[epoch {epoch}] loss {loss.item():.3f}")

    with torch.no_grad():
        guess = clf(flat, offsets).argmax(1)
    names = cfg.taxonomy.forms
    for (text, form), g in zip(FIELD_NOTES, guess.tolist()):
        print(f"{form:>11} -> {names[g]:<11} | {text[:40]}")


if __name__ == "__main__":
    main()
