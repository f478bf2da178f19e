"""Ferry booking screening: flag bookings whose manifest needs a manual check at the ramp.

A booking is three free-text fields (passengers | vehicle | cargo); each field gets its own
segment id so the encoder can tell them apart.
"""
import functools
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer


class AttrDict(dict):
    def __getattr__(self, item):
        try:
            return self[item]
        except KeyError as exc:
            raise AttributeError(item) from exc

    def __setattr__(self, item, value):
        self[item] = value

    @classmethod
    def wrap(cls, obj):
        if isinstance(obj, dict):
            return cls({k: cls.wrap(v) for k, v in obj.items()})
        return obj


BASE = {
    "seed": 3,
    "model": {"hidden": 32, "layers": 1, "heads": 2, "inter": 64, "max_pos": 64, "type_vocab": 2},
    "loader": {"batch": 3, "pad_to_multiple": 8},
    "optim": {"lr": 1e-3, "steps": 4},
}
# settings for the summer timetable run
OVERRIDE_STRINGS = ["model.type_vocab=3", "optim.steps=6", "loader.batch=4"]


def typed(v):
    for conv in (int, float):
        try:
            return conv(v)
        except ValueError:
            continue
    return {"true": True, "false": False}.get(v.lower(), v)


def overrides_to_tree(strings):
    tree = {}
    for s in strings:
        dotted, val = s.split("=", 1)
        parts = dotted.split(".")
        functools.reduce(lambda node, p: node.setdefault(p, {}), parts[:-1], tree)[parts[-1]] = typed(val)
    return tree


def merge_into(defaults, extra):
    result = dict(defaults)
    for key, val in extra.items():
        if isinstance(val, dict) and isinstance(result.get(key), dict):
            result[key] = merge_into(result[key], val)
        else:
            result[key] = val
    return result


BOOKINGS = [
    (["two adults one infant", "family car", "none"], 0),
    (["one driver", "articulated lorry", "refrigerated fish crates"], 1),
    (["four adults", "campervan with roof box", "bicycles"], 0),
    (["one driver", "van", "gas cylinders undeclared quantity"], 1),
    (["school group thirty pupils", "coach", "luggage"], 0),
    (["two adults", "car towing trailer", "livestock two sheep"], 1),
    (["one adult", "motorbike", "none"], 0),
    (["one driver", "flatbed", "fuel drums"], 1),
]


def build_tokenizer(records):
    words = sorted({w for fields, _ in records for f in fields for w in f.split()})
    vocab_dir = tempfile.mkdtemp()
    vpath = os.path.join(vocab_dir, "vocab.txt")
    with open(vpath, "w") as f:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            f.write(tok + "\n")
    return BertTokenizer(vpath)


def encode_booking(fields, tokenizer):
    ids, segs = [tokenizer.cls_token_id], [0]
    for seg_no, text in enumerate(fields):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text)) + [tokenizer.sep_token_id]
        ids += piece
        segs += [seg_no] * len(piece)
    return ids, segs


def batches(records, encode, size, multiple):
    for i in range(0, len(records), size):
        chunk = records[i:i + size]
        enc = [encode(fields) for fields, _ in chunk]
        longest = max(len(ids) for ids, _ in enc)
        width = -(-longest // multiple) * multiple
        ids = torch.zeros(len(chunk), width, dtype=torch.long)
        segs = torch.zeros_like(ids)
        keep = torch.zeros_like(ids)
        for row, (a, b) in enumerate(enc):
            ids[row, :len(a)] = torch.tensor(a)
            segs[row, :len(b)] = torch.tensor(b)
            keep[row, :len(a)] = 1
        yield ids, segs, keep, torch.tensor([y for _, y in chunk], dtype=torch.float)


class ManifestScreen(nn.Module):
    def __init__(self, bert_config):
        super().__init__()
        self.bert = BertModel(bert_config, add_pooling_layer=False)
        self.flag = nn.Linear(bert_config.hidden_size, 1)

    def forward(self, ids, segs, keep):
        hidden = self.bert(input_ids=ids, token_type_ids=segs, attention_mask=keep).last_hidden_state
        return self.flag(hidden[:, 0]).squeeze(-1)


def main():
    cfg = AttrDict.wrap(merge_into(BASE, overrides_to_tree(OVERRIDE_STRINGS)))
    torch.manual_seed(cfg.seed)
    tokenizer = build_tokenizer(BOOKINGS)
    mc = cfg.model
    net = ManifestScreen(BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=mc.hidden, num_hidden_layers=mc.layers,
        num_attention_heads=mc.heads, intermediate_size=mc.inter, max_position_embeddings=mc.max_pos,
        type_vocab_size=mc.type_vocab,
    ))
    opt = torch.optim.Adam(net.parameters(), lr=cfg.optim.lr)
    crit = nn.BCEWithLogitsLoss()
    encode = functools.partial(encode_booking, tokenizer=tokenizer)

    step = 0
    while step < cfg.optim.steps:
        for ids, segs, keep, target in batches(BOOKINGS, encode, cfg.loader.batch, cfg.loader.pad_to_multiple):
            loss = crit(net(ids, segs, keep), target)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            print(f"step {step:02d} loss={loss.item():.4f}")
            if step >= cfg.optim.steps:
                break
    print("done, screened", len(BOOKINGS), "bookings")


if __name__ == "__main__":
    main()
