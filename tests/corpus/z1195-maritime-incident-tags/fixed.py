# Multi-label tagging of coastguard incident reports (fire / collision / grounding / pollution / injury).
# Training loop via accelerate, then a review pass that flags tags above per-class cut-offs.
import os
import tempfile

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


class AttrDict(dict):
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)

    def __setattr__(self, name, value):
        self[name] = value

    @classmethod
    def wrap(cls, obj):
        if isinstance(obj, dict):
            return cls({k: cls.wrap(v) for k, v in obj.items()})
        return obj


def typed(value):
    for conv in (int, float):
        try:
            return conv(value)
        except ValueError:
            continue
    return {"true": True, "false": False}.get(value.lower(), value)


def overrides_to_tree(pairs):
    tree = {}
    for pair in pairs:
        lhs, rhs = pair.split("=", 1)
        parts = lhs.split(".")
        node = tree
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = typed(rhs)
    return tree


def merge_into(base, extra):
    for key, val in extra.items():
        if isinstance(val, dict) and isinstance(base.get(key), dict):
            merge_into(base[key], val)
        else:
            base[key] = AttrDict.wrap(val)
    return base


BASE = {
    "model": {"hidden": 32, "layers": 1, "heads": 2, "num_labels": 5, "max_len": 32},
    "loop": {"lr": 1e-3, "batch": 4, "epochs": 2, "seed": 5},
    "review": {"threshold": 0.5, "rare_bonus": 0.1, "batch": 4},
}
OVERRIDES = ["loop.epochs=3", "review.threshold=0.45", "model.max_len=40"]
cfg = merge_into(AttrDict.wrap(BASE), overrides_to_tree(OVERRIDES))

TAGS = ["fire", "collision", "grounding", "pollution", "injury"]
RARE = {"pollution", "injury"}
REPORTS = [
    ("engine room fire on trawler, crew mustered, extinguished with co2", ["fire"]),
    ("yacht struck pontoon in marina, minor hull damage", ["collision"]),
    ("fishing vessel aground on sandbar at low water, refloated on flood", ["grounding"]),
    ("diesel sheen reported near outfall, boom deployed", ["pollution"]),
    ("deckhand hand crushed by winch, airlifted", ["injury"]),
    ("ferry and rib collision in channel, passenger injured", ["collision", "injury"]),
    ("cargo ship aground, fuel tank breached, oil leak", ["grounding", "pollution"]),
    ("galley fire spread, two crew with smoke inhalation", ["fire", "injury"]),
]


def write_vocab(texts):
    tokens = sorted({w.strip(",") for t in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(prefix="cg_"), "vocab.txt")
    with open(path, "w") as fh:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ",", *tokens]:
            fh.write(tok + "\n")
    return path


def multi_hot(tags):
    vec = torch.zeros(cfg.model.num_labels)
    for t in tags:
        vec[TAGS.index(t)] = 1.0
    return vec


def make_collate(tok):
    def collate(rows):
        enc = tok([r["text"] for r in rows], padding=True, truncation=True,
                  max_length=cfg.model.max_len, return_tensors="pt")
        enc["labels"] = torch.stack([r["target"] for r in rows])
        enc["row_id"] = torch.tensor([r["row"] for r in rows])
        return enc
    return collate


def main():
    torch.manual_seed(cfg.loop.seed)
    acc = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab([t for t, _ in REPORTS]))
    rows = [{"row": i, "text": t, "target": multi_hot(tags)} for i, (t, tags) in enumerate(REPORTS)]
    bert_cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=cfg.model.hidden,
                          num_hidden_layers=cfg.model.layers, num_attention_heads=cfg.model.heads,
                          intermediate_size=2 * cfg.model.hidden, max_position_embeddings=64,
                          num_labels=cfg.model.num_labels, problem_type="multi_label_classification")
    model = BertForSequenceClassification(bert_cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.loop.lr)
    train_dl = DataLoader(rows, batch_size=cfg.loop.batch, shuffle=True, collate_fn=make_collate(tok))
    model, opt, train_dl = acc.prepare(model, opt, train_dl)

    for epoch in range(cfg.loop.epochs):
        model.train()
        for batch in train_dl:
            batch.pop("row_id")
            loss = model(**batch).loss
            acc.backward(loss)
            opt.step()
            opt.zero_grad()
        acc.print(f"epoch {epoch}: last loss {loss.item():.4f}")

    # rarer tags get a slightly lower bar so they are not drowned out
    thresholds = torch.full((cfg.model.num_labels,), cfg.review.threshold)
    for i, t in enumerate(TAGS):
        if t in RARE:
            thresholds[i] -= cfg.review.rare_bonus

    review_dl = acc.prepare(DataLoader(rows, batch_size=cfg.review.batch, collate_fn=make_collate(tok)))
    model.eval()
    flagged = {}
    with torch.no_grad():
        for batch in review_dl:
            ids = batch.pop("row_id")
            batch.pop("labels")
            probs = torch.sigmoid(model(**batch).logits)
            hits = probs > thresholds
            for r, row_hits in zip(ids.tolist(), hits):
                flagged[r] = [TAGS[j] for j in row_hits.nonzero().flatten().tolist()]
    for r, tags in sorted(flagged.items()):
        acc.print(f"report {r}: {tags or ['(none)']}  <- {REPORTS[r][0][:40]}")


if __name__ == "__main__":
    main()
