"""Domain-adaptive MLM on apiary inspection notes, trained with Accelerate and a small hook registry."""
import os
import random
import tempfile
from collections import defaultdict
from functools import partial

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

random.seed(11)
torch.manual_seed(11)

NOTES = [
    "HIVE_A3 brood pattern solid QUEEN_SEEN calm colony",
    "HIVE_B1 chalkbrood on landing board VARROA_HIGH treat next visit",
    "HIVE_A3 two frames capped honey QUEEN_SEEN added super",
    "HIVE_C2 queenless swarm cells found VARROA_LOW",
    "HIVE_B1 colony defensive after rain VARROA_HIGH",
    "HIVE_C2 new queen mated QUEEN_SEEN brood pattern spotty",
    "HIVE_A3 pollen coming in strong calm colony",
    "HIVE_C2 capped honey on three frames VARROA_LOW",
]
# hive ids and inspection codes should stay whole, never split into word pieces
DOMAIN_CODES = ["HIVE_A3", "HIVE_B1", "HIVE_C2", "QUEEN_SEEN", "VARROA_HIGH", "VARROA_LOW"]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def build_tokenizer(notes):
    plain = sorted({w.lower() for n in notes for w in n.split() if w not in DOMAIN_CODES})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + plain) + "\n")
    tok = BertTokenizer(path, do_lower_case=False)
    added = tok.add_tokens(DOMAIN_CODES)
    print(f"[tok] base vocab {tok.vocab_size}, added {added} domain codes")
    return tok


class HookRegistry:
    def __init__(self):
        self._hooks = defaultdict(list)

    def on(self, event):
        def deco(fn):
            self._hooks[event].append(fn)
            return fn
        return deco

    def fire(self, event, payload, **ctx):
        for fn in self._hooks[event]:
            payload = fn(payload, **ctx) or payload
        return payload


hooks = HookRegistry()


@hooks.on("on_batch_start")
def mask_tokens(batch, tokenizer=None, mlm_prob=0.2, **_):
    ids = batch["input_ids"].clone()
    special = torch.tensor([tokenizer.get_special_tokens_mask(r, already_has_special_tokens=True)
                            for r in ids.tolist()], dtype=torch.bool)
    pick = (torch.rand(ids.shape) < mlm_prob) & ~special & batch["attention_mask"].bool()
    targets = torch.where(pick, ids, torch.full_like(ids, -100))
    ids[pick] = tokenizer.mask_token_id
    return {**batch, "input_ids": ids, "labels": targets}


@hooks.on("on_batch_start")
def count_masked(batch, step=0, **_):
    if step % 2 == 0:
        n = int((batch["labels"] != -100).sum())
        print(f"[step {step}] masked positions: {n}")


def collate(rows, tokenizer):
    return dict(tokenizer(rows, padding=True, return_tensors="pt"))


def main():
    accelerator = Accelerator(cpu=True)
    tok = build_tokenizer(NOTES)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = BertForMaskedLM(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(NOTES, batch_size=4, shuffle=True, collate_fn=partial(collate, tokenizer=tok))
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    step = 0
    for epoch in range(2):
        for batch in loader:
            batch = hooks.fire("on_batch_start", batch, tokenizer=tok, step=step)
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            step += 1
        accelerator.print(f"epoch {epoch}: last loss {out.loss.item():.4f}")
    accelerator.print("finished MLM adaptation")


if __name__ == "__main__":
    main()
