"""
Triage track-patrol defect reports into fault families so the right gang
gets dispatched. Kilometre posts, signal ids and line codes are masked with
placeholder tokens before training so the model does not memorise them.
"""
import os
import re
import random
import tempfile
from functools import partial

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(21)
random.seed(21)

FAULT_FAMILIES = ["track_geometry", "signalling", "overhead_line", "drainage"]
PLACEHOLDERS = ["<km>", "<sig>", "<line>"]

REPORTS = [
    ("twist fault measured at km 14.320 on line MLN2 cant deficiency", 0),
    ("dipped joint near km 3.105 cess side ballast voided", 0),
    ("signal SN442 showing blank aspect driver reported", 1),
    ("track circuit failure at SN118 flickering occupied", 1),
    ("contact wire sag at km 22.900 dropper broken", 2),
    ("registration arm loose near km 8.410 on line ECM1", 2),
    ("cess drain blocked at km 5.005 water ponding on sleepers", 3),
    ("culvert silted under line MLN2 near km 11.770", 3),
    ("gauge spread beyond limit at km 2.220", 0),
    ("SN207 points detection lost intermittently", 1),
]

_NUM_KM = re.compile(r"\bkm \d+\.\d+\b")
_SIG = re.compile(r"\bSN\d+\b")
_LINE = re.compile(r"\bline [A-Z]{3}\d\b")


def normalise(text):
    text = _NUM_KM.sub("<km>", text)
    text = _SIG.sub("<sig>", text)
    text = _LINE.sub("<line>", text)
    return text.lower()


def make_tokenizer(texts, folder):
    base = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted({w for t in texts for w in t.split() if w not in PLACEHOLDERS})
    vocab_file = os.path.join(folder, "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(base + words) + "\n")
    tok = BertTokenizer(vocab_file)
    added = tok.add_tokens(PLACEHOLDERS, special_tokens=True)
    print(f"base vocab {tok.vocab_size}, added {added} placeholder tokens")
    return tok


def collate(batch, tokenizer, max_length=40):
    texts = [t for t, _ in batch]
    enc = tokenizer(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    enc["labels"] = torch.tensor([y for _, y in batch], dtype=torch.long)
    return dict(enc)


def main():
    accelerator = Accelerator(cpu=True)
    scratch = tempfile.mkdtemp(prefix="railtriage_")

    data = [(normalise(t), y) for t, y in REPORTS] * 4
    random.shuffle(data)
    tokenizer = make_tokenizer([t for t, _ in data], scratch)

    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(FAULT_FAMILIES),
    )
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(data, batch_size=4, shuffle=True, collate_fn=partial(collate, tokenizer=tokenizer))

    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(2):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
            if step % 4 == 0:
                accelerator.print(f"epoch {epoch} step {step} loss {out.loss.item():.4f}")
        accelerator.print(f"epoch {epoch} mean loss {running / len(loader):.4f}")

    model.eval()
    probe = collate([(normalise("signal SN900 dark at km 1.000"), 1)], tokenizer)
    with torch.no_grad():
        logits = model(**{k: v.to(accelerator.device) for k, v in probe.items()}).logits
    accelerator.print("predicted family:", FAULT_FAMILIES[int(logits.argmax(-1))])


if __name__ == "__main__":
    main()
