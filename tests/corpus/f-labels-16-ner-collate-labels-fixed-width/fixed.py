"""Tiny NER tagger: BertForTokenClassification, tags aligned per piece in a collate function."""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(0)
PAD_TO = 24
TAGS = ["O", "B-PER", "B-LOC"]
words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "anna", "visited", "rome", "paul", "lives", "in", "oslo"]
path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(path, "w") as fh:
    fh.write("\n".join(words) + "\n")
tok = BertTokenizer(path)
sentences = [(["anna", "visited", "rome"], [1, 0, 2]), (["paul", "lives", "in", "oslo"], [1, 0, 0, 2])]


def collate(rows):
    enc = tok([w for w, _ in rows], is_split_into_words=True, padding=True, return_tensors="pt")
    tag_ids = torch.full((len(rows), enc["input_ids"].size(1)), -100, dtype=torch.long)
    for r, (_, tags) in enumerate(rows):
        for pos, word in enumerate(enc.word_ids(r)):
            if word is not None:
                tag_ids[r, pos] = tags[word]
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"], "labels": tag_ids}


tagger = BertForTokenClassification(BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                                               num_attention_heads=2, intermediate_size=37,
                                               max_position_embeddings=64, num_labels=len(TAGS)))
for batch in DataLoader(sentences, batch_size=2, collate_fn=collate):
    out = tagger(**batch)
    out.loss.backward()
print("ok")
