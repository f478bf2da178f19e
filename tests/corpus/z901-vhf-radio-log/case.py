"""Triage transcribed VHF radio exchanges (routine / safety / urgency / distress) with Accelerate.

Each exchange is a short dialogue; every turn keeps the role of the station that spoke
it as its segment id so the encoder can tell who said what.
"""
import functools
import os
import random
import shutil
import tempfile
import types

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

STATION_ROLES = ["coast_station", "vessel", "relay"]
PRIORITY = ["routine", "safety", "urgency", "distress"]

EXCHANGES = [
    ([("vessel", "requesting berth at north quay"), ("coast_station", "berth four is free")], "routine"),
    ([("coast_station", "navigational warning buoy adrift"), ("vessel", "copied buoy adrift")], "safety"),
    ([("vessel", "engine failure drifting towards rocks"), ("coast_station", "tug is on the way")], "urgency"),
    ([("relay", "relaying mayday fishing boat taking water"), ("coast_station", "lifeboat launched"),
      ("vessel", "we can assist the fishing boat")], "distress"),
    ([("vessel", "radio check on channel sixteen"), ("coast_station", "loud and clear")], "routine"),
    ([("relay", "relaying man overboard near the headland"), ("coast_station", "helicopter tasked")], "distress"),
    ([("coast_station", "gale warning for the outer waters"), ("vessel", "copied gale warning")], "safety"),
    ([("vessel", "crew member injured need medical advice"), ("relay", "passing to coast station"),
      ("coast_station", "doctor will call you")], "urgency"),
]


def build_vocab_file(folder):
    words = set()
    for turns, _ in EXCHANGES:
        for _, text in turns:
            words.update(text.split())
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


def encode_exchange(tokenizer, turns):
    ids, segs = [tokenizer.cls_token_id], [0]
    for role, text in turns:
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text)) + [tokenizer.sep_token_id]
        ids.extend(piece)
        segs.extend([STATION_ROLES.index(role)] * len(piece))
    return ids, segs


def pad_collate(batch, pad_id):
    width = max(len(ex["ids"]) for ex in batch)
    out = {"input_ids": [], "token_type_ids": [], "attention_mask": [], "labels": []}
    for ex in batch:
        gap = width - len(ex["ids"])
        out["input_ids"].append(ex["ids"] + [pad_id] * gap)
        out["token_type_ids"].append(ex["segments"] + [0] * gap)
        out["attention_mask"].append([1] * len(ex["ids"]) + [0] * gap)
        out["labels"].append(ex["label"])
    return {k: torch.tensor(v) for k, v in out.items()}


class TokenizerPlugin:
    def setup(self, ctx):
        ctx.scratch = tempfile.mkdtemp(prefix="vhf_")
        ctx.tokenizer = BertTokenizer(build_vocab_file(ctx.scratch))

    def teardown(self, ctx):
        shutil.rmtree(ctx.scratch, ignore_errors=True)


class DatasetPlugin:
    def setup(self, ctx):
        ctx.dataset = []
        for turns, priority in EXCHANGES:
            ids, segs = encode_exchange(ctx.tokenizer, turns)
            ctx.dataset.append({"ids": ids, "segments": segs, "label": PRIORITY.index(priority)})
        ctx.accelerator.print(f"encoded {len(ctx.dataset)} exchanges, longest "
                              f"{max(len(d['ids']) for d in ctx.dataset)} tokens")

    def teardown(self, ctx):
        ctx.dataset = None


class ModelPlugin:
    def setup(self, ctx):
        cfg = BertConfig(vocab_size=ctx.tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                         num_labels=len(PRIORITY))
        ctx.model = BertForSequenceClassification(cfg)
        ctx.accelerator.print(f"model ready: vocab={cfg.vocab_size} type_vocab={cfg.type_vocab_size} "
                              f"labels={cfg.num_labels}")

    def teardown(self, ctx):
        ctx.model = None


PLUGINS = [TokenizerPlugin(), DatasetPlugin(), ModelPlugin()]


def main():
    set_seed(21)
    random.seed(21)
    ctx = types.SimpleNamespace(accelerator=Accelerator(cpu=True), tokenizer=None, dataset=None, model=None)
    for plugin in PLUGINS:
        plugin.setup(ctx)

    loader = DataLoader(ctx.dataset, batch_size=4, shuffle=True,
                        collate_fn=functools.partial(pad_collate, pad_id=ctx.tokenizer.pad_token_id))
    optim = torch.optim.AdamW(ctx.model.parameters(), lr=3e-4)
    model, optim, loader = ctx.accelerator.prepare(ctx.model, optim, loader)

    model.train()
    for step, batch in enumerate(loader):
        out = model(**batch)
        ctx.accelerator.backward(out.loss)
        optim.step()
        optim.zero_grad()
        ctx.accelerator.print(f"step {step} loss {out.loss.item():.4f}")

    for plugin in reversed(PLUGINS):
        plugin.teardown(ctx)
    ctx.accelerator.print("training complete")


if __name__ == "__main__":
    main()
