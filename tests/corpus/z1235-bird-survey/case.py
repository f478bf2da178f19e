# Tag spans in volunteer bird-survey field notes (species / count / habitat / behaviour)
# so the transect sheets can be filled in automatically.
import functools
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(21)

DATA = {
    "tags": ["O", "SPECIES", "COUNT", "HABITAT", "BEHAVIOUR"],
    "batch_size": 2,
    "epochs": 3,
    "ignore": -100,
}

ARCH = [
    {"type": "bert", "dim": 32, "layers": 1, "heads": 2},
    {"type": "dropout", "p": 0.1},
    {"type": "linear", "out": 4},
]

# (word, tag) pairs, one list per note
NOTES = [
    [("three", "COUNT"), ("curlew", "SPECIES"), ("feeding", "BEHAVIOUR"), ("on", "O"),
     ("mudflat", "HABITAT")],
    [("single", "COUNT"), ("kestrel", "SPECIES"), ("hovering", "BEHAVIOUR"), ("over", "O"),
     ("verge", "HABITAT")],
    [("flock", "O"), ("of", "O"), ("twenty", "COUNT"), ("linnet", "SPECIES"), ("in", "O"),
     ("stubble", "HABITAT")],
    [("two", "COUNT"), ("stonechat", "SPECIES"), ("calling", "BEHAVIOUR"), ("from", "O"),
     ("gorse", "HABITAT")],
]


def make_tokenizer(notes):
    words = sorted({w for note in notes for w, _ in note})
    tmp = tempfile.mkdtemp()
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as f:
        for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            f.write(t + "\n")
    return BertTokenizer(vocab_path)


def assemble(arch, vocab_size, width=48):
    parts = []
    for spec in arch:
        kind = spec["type"]
        if kind == "bert":
            width = spec.get("dim", width)
            conf = BertConfig(vocab_size=vocab_size, hidden_size=width,
                              num_hidden_layers=spec.get("layers", 1),
                              num_attention_heads=spec.get("heads", 2),
                              intermediate_size=4 * width, max_position_embeddings=64)
            parts.append(("bert", BertModel(conf, add_pooling_layer=False)))
        elif kind == "dropout":
            parts.append(("dropout", nn.Dropout(spec.get("p", 0.1))))
        elif kind == "linear":
            parts.append(("linear", nn.Linear(width, spec["out"])))
            width = spec["out"]
    return nn.ModuleDict(parts)


class Tagger(nn.Module):
    def __init__(self, arch, vocab_size):
        super().__init__()
        self.net = assemble(arch, vocab_size)

    def forward(self, input_ids, attention_mask):
        h = self.net["bert"](input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        return self.net["linear"](self.net["dropout"](h))


def collate(notes, tok, tag_index, ignore):
    enc = tok([[w for w, _ in n] for n in notes], is_split_into_words=True,
              padding=True, return_tensors="pt")
    gold = torch.full(enc["input_ids"].shape, ignore, dtype=torch.long)
    for row, note in enumerate(notes):
        seen = set()
        for pos, wid in enumerate(enc.word_ids(row)):
            if wid is not None and wid not in seen:
                gold[row, pos] = tag_index[note[wid][1]]
                seen.add(wid)
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]}, gold


def iterate(notes, size, collate_fn):
    for i in range(0, len(notes), size):
        yield collate_fn(notes[i:i + size])


tok = make_tokenizer(NOTES)
tag_index = {t: i for i, t in enumerate(DATA["tags"])}
collate_fn = functools.partial(collate, tok=tok, tag_index=tag_index, ignore=DATA["ignore"])

tagger = Tagger(ARCH, tok.vocab_size)
optimizer = torch.optim.AdamW(tagger.parameters(), lr=2e-3)
criterion = nn.CrossEntropyLoss(ignore_index=DATA["ignore"])
print(f"{len(NOTES)} notes, {len(DATA['tags'])} tags, vocab {tok.vocab_size}")

for epoch in range(DATA["epochs"]):
    tagger.train()
    epoch_loss = 0.0
    for batch, gold in iterate(NOTES, DATA["batch_size"], collate_fn):
        scores = tagger(**batch)
        loss = criterion(scores.reshape(-1, scores.size(-1)), gold.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item()
    print(f"epoch {epoch} loss {epoch_loss:.3f}")

tagger.eval()
with torch.no_grad():
    batch, gold = collate_fn(NOTES[:1])
    best = tagger(**batch).argmax(-1)[0].tolist()
tokens = tok.convert_ids_to_tokens(batch["input_ids"][0])
print([(t, DATA["tags"][b]) for t, b in zip(tokens, best)])
