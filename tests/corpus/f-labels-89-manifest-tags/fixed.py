import os
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(0)

TAGS = ["O", "VESSEL", "PORT", "CARGO"]
TAG_ID = {t: i for i, t in enumerate(TAGS)}

MANIFESTS = [
    ("aurora loaded copper at rotterdam", ["VESSEL", "O", "CARGO", "O", "PORT"]),
    ("the tanker nordwind discharged crude oil in gdansk", ["O", "O", "VESSEL", "O", "CARGO", "CARGO", "O", "PORT"]),
    ("kestrel sailed from antwerp with timber", ["VESSEL", "O", "O", "PORT", "O", "CARGO"]),
    ("bulk carrier aurora took grain", ["O", "O", "VESSEL", "O", "CARGO"]),
    ("nordwind left rotterdam empty", ["VESSEL", "O", "PORT", "O"]),
    ("kestrel unloaded timber and copper at gdansk", ["VESSEL", "O", "CARGO", "O", "CARGO", "O", "PORT"]),
]

WORDS = ("the tanker bulk carrier loaded discharged sailed from with took left unloaded and at in "
         "empty copper crude oil timber grain aurora nord kestrel rotter dam antwerp gd").split()
PIECES = ["##wind", "##dam", "##ansk", "##rel"]


def write_vocab():
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS + PIECES) + "\n")
    return path


tokenizer = BertTokenizer(write_vocab())


def tag_tokens(text, word_tags):
    enc = tokenizer(text)
    tags, previous = [], None
    for wid in enc.word_ids():
        if wid is None or wid == previous:
            tags.append(-100)
        else:
            tags.append(TAG_ID[word_tags[wid]])
        previous = wid
    return tags


def collate(features):
    enc = tokenizer([f["text"] for f in features], padding="longest",
                    pad_to_multiple_of=8, return_tensors="pt")
    tag_lists = [f["tags"] for f in features]
    width = enc["input_ids"].shape[1]
    labels = [t + [-100] * (width - len(t)) for t in tag_lists]
    return {**enc, "labels": torch.tensor(labels)}


features = [{"text": text, "tags": tag_tokens(text, tags)} for text, tags in MANIFESTS]
for f in features[:3]:
    print(len(f["tags"]), tokenizer.tokenize(f["text"]))

config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                    num_labels=len(TAGS))
model = BertForTokenClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

model.train()
for epoch in range(3):
    total = 0.0
    for start in range(0, len(features), 3):
        batch = collate(features[start:start + 3])
        out = model(**batch)
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        total += out.loss.item()
    print(f"epoch {epoch} loss {total:.4f}")

model.eval()
with torch.no_grad():
    batch = collate(features[:2])
    pred = model(**batch).logits.argmax(-1)
print("predicted tags:", [[TAGS[i] for i in row.tolist()] for row in pred])
