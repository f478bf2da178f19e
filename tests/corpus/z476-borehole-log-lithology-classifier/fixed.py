"""Classify driller's borehole log intervals into a coarse lithology class.

Each interval of a borehole log is a free-text description written by the rig
geologist.  Long intervals are built by joining all the sub-descriptions the
driller wrote for that depth range, which can get quite wordy.
"""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

LITHOLOGIES = ["clay", "sand", "gravel", "bedrock"]
MAX_POSITIONS = 64

WORDS = (
    "grey brown silty clay sandy fine medium coarse gravel cobbles weathered "
    "granite sandstone shale firm stiff soft loose dense moist wet dry with "
    "occasional trace of rootlets shell fragments organic odour mottled orange "
    "rounded angular subrounded boulders fractured fresh core loss water strike "
    "at m bgl becoming and limestone chalk flints peat laminated"
).split()


@dataclass
class LogInterval:
    hole_id: str
    top_m: float
    base_m: float
    notes: list
    lithology: str


def write_vocab(directory):
    path = os.path.join(directory, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(WORDS))) + "\n")
    return path


def synth_intervals(n):
    out = []
    for i in range(n):
        litho = random.choice(LITHOLOGIES)
        # a rotary-cored interval gets many sub-notes, an auger interval few
        n_notes = random.choice([2, 3, 12, 14])
        notes = [" ".join(random.choices(WORDS, k=6)) + " " + litho for _ in range(n_notes)]
        top = round(random.uniform(0, 40), 1)
        out.append(LogInterval(f"BH{i:03d}", top, top + 1.5, notes, litho))
    return out


def interval_text(iv):
    return " ; ".join(iv.notes)


def encode(tokenizer, intervals):
    texts = [interval_text(iv) for iv in intervals]
    batch = tokenizer(texts, padding=True, truncation=True, max_length=MAX_POSITIONS, return_tensors="pt")
    batch["labels"] = torch.tensor([LITHOLOGIES.index(iv.lithology) for iv in intervals])
    return batch


def main():
    workdir = tempfile.mkdtemp(prefix="borehole_")
    tokenizer = BertTokenizer(write_vocab(workdir))

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_POSITIONS,
        num_labels=len(LITHOLOGIES),
    )
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    intervals = synth_intervals(24)
    model.train()
    for step in range(3):
        chunk = intervals[step * 8:(step + 1) * 8]
        batch = encode(tokenizer, chunk)
        out = model(**batch)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        print(f"step {step} seq_len={batch['input_ids'].shape[1]} loss={out.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        probe = encode(tokenizer, intervals[:4])
        preds = model(**probe).logits.argmax(-1).tolist()
    for iv, p in zip(intervals[:4], preds):
        print(iv.hole_id, f"{iv.top_m}-{iv.base_m} m", "->", LITHOLOGIES[p])


if __name__ == "__main__":
    main()
