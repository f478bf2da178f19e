"""Grade pottery glaze firing notes (A/B/C/reject) with a tiny BERT.

Some firing notes were logged before the inspector assigned a grade,
so their grade field is None.
"""
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)


class Grades:
    NAMES = ["A", "B", "C", "reject"]
    UNKNOWN = -1

    @classmethod
    def code(cls, name):
        return cls.NAMES.index(name) if name in cls.NAMES else cls.UNKNOWN


NOTES = [
    ("celadon glaze even, no crawling, clear pooling in the well", "A"),
    ("tenmoku slightly thin on the rim, minor pinholes", "B"),
    ("shino glaze crawled on the foot, bare patches", "C"),
    ("kiln shelf stuck, glaze ran onto the shelf", "reject"),
    ("ash glaze green runs on the shoulder", None),
    ("satin white matte, small blister near the handle", "B"),
    ("copper red turned muddy brown, reduction too weak", None),
    ("crackle glaze crazing even, no shivering", "A"),
]


def write_vocab(texts):
    words = sorted({w.strip(",.") for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="glaze_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ","] + words) + "\n")
    return path


def make_batches(enc, labels, size):
    for start in range(0, labels.shape[0], size):
        stop = start + size
        yield {k: v[start:stop] for k, v in enc.items()}, labels[start:stop]


texts = [t for t, _ in NOTES]
tokenizer = BertTokenizer(write_vocab(texts))
config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=64,
    num_labels=len(Grades.NAMES),
)
model = BertForSequenceClassification(config)

enc = tokenizer(texts, padding=True, return_tensors="pt")
labels = torch.tensor([Grades.code(g) for _, g in NOTES])
print(f"{len(NOTES)} firing notes, labels {labels.tolist()}")

optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
model.train()
for epoch in range(2):
    total = 0.0
    for batch, batch_labels in make_batches(enc, labels, size=4):
        optimizer.zero_grad()
        loss = model(**batch, labels=batch_labels).loss
        loss.backward()
        optimizer.step()
        total += loss.item()
    print(f"epoch {epoch}: loss {total:.4f}")

model.eval()
with torch.no_grad():
    preds = model(**enc).logits.argmax(-1).tolist()
for (text, _), p in zip(NOTES, preds):
    print(f"{Grades.NAMES[p]:>6}  {text[:40]}")
