"""Triage pharmacy dispensing notes (routine / pharmacist review / reject)
with a small BERT, trained with Accelerate. Dose, route and frequency
fields are replaced by placeholder tokens before tokenization."""
import functools
import os
import re
import tempfile

import torch
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(11)

TRIAGE = {"routine": 0, "review": 1, "reject": 2}

NOTES = [
    ("amoxicillin 500 mg oral tid for 7 days", "routine"),
    ("metformin 850 mg oral bid with meals", "routine"),
    ("atorvastatin 20 mg oral nightly", "routine"),
    ("warfarin 10 mg oral daily patient also on fluconazole", "review"),
    ("methotrexate 10 mg oral daily instead of weekly", "reject"),
    ("morphine 30 mg iv q2h opioid naive patient", "reject"),
    ("digoxin 250 mcg oral daily elderly renal impairment", "review"),
    ("paracetamol 1 g oral qid max 4 g per day", "routine"),
    ("potassium chloride 40 mmol iv push", "reject"),
    ("clarithromycin 500 mg oral bid patient on simvastatin", "review"),
    ("insulin glargine 20 units subcut nightly", "routine"),
    ("lithium 400 mg oral bid new thiazide started", "review"),
]

FIELD_PATTERNS = [
    (re.compile(r"\b\d+(\.\d+)?\s*(mg|mcg|g|mmol|units)\b"), " [DOSE] "),
    (re.compile(r"\b(oral|iv|subcut)\b"), " [ROUTE] "),
    (re.compile(r"\b(bid|tid|qid|q2h|daily|nightly|weekly)\b"), " [FREQ] "),
]
PLACEHOLDERS = ["[DOSE]", "[ROUTE]", "[FREQ]"]


def normalise(note):
    for pat, repl in FIELD_PATTERNS:
        note = pat.sub(repl, note)
    return " ".join(note.split())


def write_vocab(texts, folder):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    body = sorted({w for t in texts for w in re.findall(r"[a-z0-9]+", t)})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        for tok in specials + body:
            f.write(tok + "\n")
    return path


def collate(rows, tokenizer):
    texts = [normalise(t) for t, _ in rows]
    enc = tokenizer(texts, padding=True, truncation=True, max_length=40, return_tensors="pt")
    enc["labels"] = torch.tensor([TRIAGE[y] for _, y in rows])
    return dict(enc)


def main():
    accelerator = Accelerator(cpu=True)
    tmp = tempfile.mkdtemp()
    vocab_path = write_vocab([normalise(t) for t, _ in NOTES], tmp)
    tokenizer = BertTokenizer(vocab_path)

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(TRIAGE),
    )
    model = BertForSequenceClassification(config)

    # keep the placeholders whole instead of splitting them into [ / dose / ]
    added = tokenizer.add_special_tokens({"additional_special_tokens": PLACEHOLDERS})
    accelerator.print(f"added {added} placeholder tokens, tokenizer now has {len(tokenizer)} entries")

    loader = DataLoader(NOTES, batch_size=4, shuffle=True,
                        collate_fn=functools.partial(collate, tokenizer=tokenizer))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(2):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch} mean loss {running / (step + 1):.4f}")

    model.eval()
    sample = collate([("methotrexate 10 mg oral daily instead of weekly", "reject")], tokenizer)
    sample.pop("labels")
    with torch.no_grad():
        logits = model(**{k: v.to(accelerator.device) for k, v in sample.items()}).logits
    inv = {v: k for k, v in TRIAGE.items()}
    accelerator.print("prediction:", inv[int(logits.argmax(-1))])


if __name__ == "__main__":
    main()
