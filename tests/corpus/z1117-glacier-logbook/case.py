"""Tag glacier field-station logbook entries by event type (accelerate loop).

The station crew write long free-form entries at the end of every shift; we
want a quick classifier to pull out calving / melt / instrument problems.
"""
import os
import re
import random
import tempfile
from functools import partial

import torch
import yaml
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

RUN_CONFIG = """
defaults: &defaults
  model: &model_base
    hidden_size: 32
    layers: 1
    heads: 2
    ffn: 64
    max_positions: 32
    max_length: 32
  optim:
    lr: 1.0e-3
    batch_size: 2
    epochs: 1

quick:
  <<: *defaults

full_entries:
  <<: *defaults
  model:
    <<: *model_base
    max_length: 96
  optim:
    lr: 5.0e-4
    batch_size: 2
    epochs: 1
"""
RUN = "full_entries"

EVENT_TYPES = ["calving", "melt", "instrument"]

BASE_ENTRIES = [
    ("large section of the terminus collapsed into the fjord around noon", "calving"),
    ("surface meltwater streams widened, moulin near stake six is now roaring", "melt"),
    ("automatic weather station logger stopped writing after battery dropped", "instrument"),
    ("heard repeated cracking from the front, icebergs drifting past the spit", "calving"),
    ("ablation stakes show almost four centimetres of surface lowering today", "melt"),
    ("gps antenna iced over, positions jumped by several metres overnight", "instrument"),
]
FILLER = ("crew rotated at the usual time, visibility fair, wind from the north east, "
          "snowmobile checked and refuelled, radio call to base completed on schedule")


def expand_entries(rows, seed=0):
    # shift reports always include the routine paragraph after the observation
    rng = random.Random(seed)
    out = []
    for text, tag in rows:
        out.append((f"{text}, {FILLER}", tag))
        if rng.random() < 0.5:
            out.append((f"{FILLER}, {text}, {FILLER}", tag))
    return out


def make_tokenizer(texts):
    vocab = sorted({w for t in texts for w in re.findall(r"\w+|[^\w\s]", t.lower())})
    tmp = tempfile.mkdtemp(prefix="glacier_tok_")
    with open(os.path.join(tmp, "vocab.txt"), "w") as f:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab:
            f.write(tok + "\n")
    return BertTokenizer(os.path.join(tmp, "vocab.txt"))


def collate_entries(batch, tokenizer, max_length):
    texts, tags = zip(*batch)
    enc = tokenizer(list(texts), padding=True, truncation=True,
                    max_length=max_length, return_tensors="pt")
    enc["labels"] = torch.tensor([EVENT_TYPES.index(t) for t in tags])
    return dict(enc)


def main():
    torch.manual_seed(3)
    settings = yaml.safe_load(RUN_CONFIG)
    profile = settings[RUN]
    accelerator = Accelerator(cpu=True)

    entries = expand_entries(BASE_ENTRIES)
    accelerator.print(f"run={RUN} entries={len(entries)}")
    tokenizer = make_tokenizer([t for t, _ in entries])

    model = BertForSequenceClassification(BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=profile["model"]["hidden_size"],
        num_hidden_layers=profile["model"]["layers"],
        num_attention_heads=profile["model"]["heads"],
        intermediate_size=profile["model"]["ffn"],
        max_position_embeddings=profile["model"]["max_positions"],
        num_labels=len(EVENT_TYPES),
    ))
    loader = DataLoader(
        entries,
        batch_size=profile["optim"]["batch_size"],
        shuffle=True,
        collate_fn=partial(collate_entries, tokenizer=tokenizer,
                           max_length=profile["model"]["max_length"]),
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=profile["optim"]["lr"])
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(profile["optim"]["epochs"]):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
            if step % 2 == 0:
                accelerator.print(f"epoch {epoch} step {step} loss {out.loss.item():.4f}")
        accelerator.print(f"epoch {epoch} mean loss {running / (step + 1):.4f}")


if __name__ == "__main__":
    main()
