"""Address parsing: run a BERT token classifier over postal addresses in batches and print word-level tags."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

FIELDS = ["O", "NUMBER", "STREET", "CITY", "POSTCODE"]
ADDRESSES = [
    "221b baker street london nw1 6xe",
    "10 downing street london sw1a 2aa",
    "4 privet drive little whinging",
    "742 evergreen terrace springfield",
    "12 grimmauld place london",
    "31 spooner street quahog",
]
BATCH_SIZE = 4


def load_tagger(folder):
    words = sorted({w for a in ADDRESSES for w in a.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(folder, "vocab.txt"))
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=len(FIELDS))
    return tokenizer, BertForTokenClassification(config).eval()


def word_tags(encoding, row, pred_row):
    """First sub-token decides the tag of each word."""
    tags, seen = [], set()
    for pos, wid in enumerate(encoding.word_ids(row)):
        if wid is None or wid in seen:
            continue
        seen.add(wid)
        tags.append(FIELDS[pred_row[pos]])
    return tags


torch.manual_seed(0)
tokenizer, tagger = load_tagger(tempfile.mkdtemp())

encodings, pred_ids = [], []
with torch.no_grad():
    for start in range(0, len(ADDRESSES), BATCH_SIZE):
        enc = tokenizer(ADDRESSES[start:start + BATCH_SIZE], padding=True, return_tensors="pt")
        logits = tagger(**enc).logits
        pred_ids.extend(logits.argmax(dim=-1))  # keep the rows of every batch
        encodings.append(enc)

for i, address in enumerate(ADDRESSES):
    enc = encodings[i // BATCH_SIZE]
    tags = word_tags(enc, i % BATCH_SIZE, pred_ids[i])
    print(address, "->", " ".join(tags))
