# Hive inspection note triage: tiny BERT classifier over beekeepers' free-text notes.
# Labels: queenright / queenless / swarm_prep / brood_disease
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer


class AttrDict(dict):
    __slots__ = ()

    def __getattr__(self, key):
        if key not in self:
            raise AttributeError(f"no setting {key!r}")
        val = self[key]
        return AttrDict(val) if isinstance(val, dict) and not isinstance(val, AttrDict) else val

    def __setattr__(self, key, val):
        self[key] = val


DEFAULT_SETTINGS = AttrDict(
    seed=11,
    model=AttrDict(hidden=32, layers=1, heads=2, ffn=64, max_positions=64),
    data=AttrDict(max_len=48, batch_size=4, lowercase=True),
    train=AttrDict(lr=5e-4, epochs=2),
)

# longer notes from the spring inspections got cut off, so give the tokenizer more room
CLI_ARGS = ["data.max_len=96", "train.epochs=3"]


def _coerce(text):
    if text in ("True", "False"):
        return text == "True"
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def apply_overrides(settings, args):
    parsed = AttrDict()
    for arg in args:
        path, value = arg.split("=")
        keys = path.split(".")
        cursor = parsed
        for k in keys[:-1]:
            cursor = cursor.setdefault(k, AttrDict())
        cursor[keys[-1]] = _coerce(value)
    return deep_merge(settings, parsed)


def deep_merge(base, incoming):
    merged = AttrDict({k: (deep_merge(v, {}) if isinstance(v, dict) else v) for k, v in base.items()})
    for k, v in incoming.items():
        if isinstance(v, dict) and isinstance(merged.get(k), dict):
            merged[k] = deep_merge(merged[k], v)
        else:
            merged[k] = v
    return merged


NOTES = [
    ("eggs seen on three frames queen spotted marked yellow calm bees", 0),
    ("no eggs no young larvae bees roaring on opening several emergency cells", 1),
    ("queen cells along bottom bars drones everywhere colony packed with bees", 2),
    ("sunken cappings with holes brood pattern spotty ropy test positive", 3),
    ("good laying pattern queen seen capped brood on five frames", 0),
    ("laying workers suspected multiple eggs per cell no queen seen", 1),
    ("swarm cells capped supers full of nectar bees bearding", 2),
    ("chalky mummies in front of entrance brood looks patchy", 3),
]
LABELS = ["queenright", "queenless", "swarm_prep", "brood_disease"]


def write_vocab(texts):
    words = sorted({w for t, _ in texts for w in t.split()})
    path = os.path.join(tempfile.mkdtemp(prefix="apiary_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def make_collate(tokenizer, max_len):
    def collate(rows):
        enc = tokenizer(
            [r[0] for r in rows], padding="max_length", truncation=True, max_length=max_len, return_tensors="pt"
        )
        enc["labels"] = torch.tensor([r[1] for r in rows])
        return dict(enc)
    return collate


def main():
    cfg = apply_overrides(DEFAULT_SETTINGS, CLI_ARGS)
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)

    tok = BertTokenizer(write_vocab(NOTES), do_lower_case=cfg.data.lowercase)
    bert_cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=cfg.model.hidden,
        num_hidden_layers=cfg.model.layers,
        num_attention_heads=cfg.model.heads,
        intermediate_size=cfg.model.ffn,
        max_position_embeddings=cfg.model.max_positions,
        num_labels=len(LABELS),
    )
    model = BertForSequenceClassification(bert_cfg)
    print(f"vocab={tok.vocab_size} max_len={cfg.data.max_len} epochs={cfg.train.epochs}")

    loader = DataLoader(NOTES, batch_size=cfg.data.batch_size, shuffle=True,
                        collate_fn=make_collate(tok, cfg.data.max_len))
    optim = torch.optim.AdamW(model.parameters(), lr=cfg.train.lr)

    model.train()
    for ep in range(cfg.train.epochs):
        losses = []
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            losses.append(out.loss.item())
        print(f"epoch {ep + 1}: mean loss {sum(losses) / len(losses):.4f}")

    model.eval()
    with torch.no_grad():
        probe = make_collate(tok, cfg.data.max_len)(NOTES[:2])
        probe.pop("labels")
        preds = model(**probe).logits.argmax(-1).tolist()
    print("probe predictions:", [LABELS[p] for p in preds])


if __name__ == "__main__":
    main()
