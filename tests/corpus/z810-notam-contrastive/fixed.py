"""Contrastive alignment of raw NOTAM text with plain-English summaries (Accelerate, micro-batched encoding)."""
import os
import tempfile
from functools import partial

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(11)

PAIRS = [
    ("rwy 09/27 clsd due wip", "runway 09/27 is closed because of work in progress"),
    ("twy b lgt u/s", "taxiway b lights are unserviceable"),
    ("ils rwy 27 gp u/s", "the glide path of the runway 27 instrument landing system is out of service"),
    ("crane erected 1nm e of arp hgt 300ft agl", "a crane 300 feet high stands one mile east of the airport"),
    ("apn stand 12 clsd", "apron stand 12 is closed"),
    ("vor dme frq chg to 113.1", "the vor dme frequency changed to 113.1"),
    ("bird act reported vicinity ad", "bird activity reported near the aerodrome"),
    ("rwy 18 papi u/s", "runway 18 approach path lights are out of service"),
    ("fuel avbl only by prior arr", "fuel is available only by prior arrangement"),
    ("twy c clsd btn twy a and twy d", "taxiway c is closed between taxiway a and taxiway d"),
    ("ad hr of ops chg 0600-2200", "the aerodrome opening hours changed to 0600-2200"),
    ("obst lgt on tower u/s", "the obstacle light on the tower is out of service"),
    ("rwy 27 thr displaced 200m", "the runway 27 threshold is displaced by 200 meters"),
    ("drone ops within 2nm of ad", "drones are operating within two miles of the aerodrome"),
]

BATCH_SIZE = 8
MICRO_BATCH = 4
TEMPERATURE = 0.05
MAX_LEN = 24


def build_tokenizer():
    words = sorted({w for a, b in PAIRS for w in (a + " " + b).split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def collate(rows, tokenizer):
    enc = partial(tokenizer, padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")
    return {
        "notam": dict(enc([r[0] for r in rows])),
        "plain": dict(enc([r[1] for r in rows])),
    }


def split_features(batch, size):
    n = batch["notam"]["input_ids"].size(0)
    for start in range(0, n, size):
        yield {side: {k: v[start:start + size] for k, v in feats.items()} for side, feats in batch.items()}


def embed(model, feats):
    hidden = model(**feats).last_hidden_state
    weights = feats["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    return F.normalize((hidden * weights).sum(1) / weights.sum(1), dim=-1)


def info_nce(anchors, positives):
    pos_logit = (anchors * positives).sum(-1) / TEMPERATURE
    all_logits = anchors @ positives.T / TEMPERATURE
    return (torch.logsumexp(all_logits, dim=1) - pos_logit).mean()


def main():
    accelerator = Accelerator(cpu=True)
    tokenizer = build_tokenizer()
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64,
    )
    model = BertModel(config, add_pooling_layer=False)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-4)
    loader = DataLoader(PAIRS, batch_size=BATCH_SIZE, shuffle=True, collate_fn=partial(collate, tokenizer=tokenizer))
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    for epoch in range(2):
        model.train()
        running = 0.0
        for step, batch in enumerate(loader):
            # encode the queries in slices to keep activation memory flat
            anchor_parts = []
            for micro in split_features(batch, MICRO_BATCH):
                anchor_parts.append(embed(model, micro["notam"]))
            anchors = torch.cat(anchor_parts)
            positives = embed(model, batch["plain"])

            loss = info_nce(anchors, positives)
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch}: mean InfoNCE {running / (step + 1):.4f}")

    model.eval()
    with torch.no_grad():
        probe = collate(PAIRS[:3], tokenizer)
        sims = embed(model, probe["notam"]) @ embed(model, probe["plain"]).T
    accelerator.print("probe similarity diagonal:", [round(x, 3) for x in sims.diag().tolist()])


if __name__ == "__main__":
    main()
