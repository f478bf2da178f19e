"""Relation extraction (works_for / born_in / none) with a small BERT.  Instead of inserting entity marker
tokens, the two entity spans are marked through the segment embedding: 1 on the head entity's word pieces,
2 on the tail entity's, 0 elsewhere.
"""
import os
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

RELATIONS = ["none", "works_for", "born_in"]
HEAD, TAIL = 1, 2
SENTENCES = [  # words, head span, tail span (word indices, end exclusive), relation
    ("alice joined acme last spring".split(), (0, 1), (2, 3), "works_for"),
    ("bob was born in paris".split(), (0, 1), (4, 5), "born_in"),
    ("carol met dave in rome".split(), (0, 1), (2, 3), "none"),
    ("erin is an engineer at globex".split(), (0, 1), (5, 6), "works_for"),
    ("frank grew up in berlin".split(), (0, 1), (4, 5), "born_in"),
    ("gina and hank visited oslo".split(), (0, 1), (2, 3), "none"),
]

tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                       + sorted({w for s, *_ in SENTENCES for w in s})) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))


def encode(batch):
    enc = tokenizer([words for words, *_ in batch], is_split_into_words=True, padding=True, return_tensors="pt")
    segments = torch.zeros_like(enc["input_ids"])
    for row, (_, head, tail, _) in enumerate(batch):
        for position, word in enumerate(enc.word_ids(row)):
            if word is not None and head[0] <= word < head[1]:
                segments[row, position] = HEAD
            elif word is not None and tail[0] <= word < tail[1]:
                segments[row, position] = TAIL
    enc["token_type_ids"] = segments
    enc["labels"] = torch.tensor([RELATIONS.index(rel) for *_, rel in batch])
    return enc


torch.manual_seed(0)
model = BertForSequenceClassification(BertConfig(
    vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
    max_position_embeddings=64, type_vocab_size=3, num_labels=len(RELATIONS)))
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

model.train()
for epoch in range(3):
    for i in range(0, len(SENTENCES), 3):
        out = model(**encode(SENTENCES[i:i + 3]))
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"epoch {epoch}: loss {out.loss.item():.3f}")
