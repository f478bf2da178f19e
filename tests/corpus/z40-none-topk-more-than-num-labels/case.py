"""Batch inference for an email-routing classifier: emails are streamed through a generator pipeline
(read -> clean -> batch -> predict) and each email gets its TOP_K most likely departments."""
import os
import re
import tempfile
from itertools import islice

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
TOP_K = 5
BATCH_SIZE = 4
DEPARTMENTS = ["sales", "support", "billing"]

inbox = ["Hi, I'd like a QUOTE for 20 seats!", "The export button is broken again...",
         "Why was I charged twice in March?", "Can we book a demo next week?",
         "Password reset email never arrives", "Please send the invoice as PDF"]

tmp = tempfile.mkdtemp()
with open(os.path.join(tmp, "vocab.txt"), "w") as fh:
    words = sorted({w for m in inbox for w in re.sub(r"[^a-z0-9 ]", " ", m.lower()).split()})
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tokenizer = BertTokenizer(os.path.join(tmp, "vocab.txt"))
model = BertForSequenceClassification(BertConfig(
    vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
    max_position_embeddings=64, num_labels=len(DEPARTMENTS),
    id2label=dict(enumerate(DEPARTMENTS)))).eval()


def read(messages):
    yield from messages


def clean(stream):
    for text in stream:
        yield re.sub(r"[^a-z0-9 ]", " ", text.lower()).strip()


def batched(stream, n):
    it = iter(stream)
    while chunk := list(islice(it, n)):
        yield chunk


@torch.no_grad()
def predict(batches):
    for texts in batches:
        enc = tokenizer(texts, padding=True, truncation=True, max_length=64, return_tensors="pt")
        probs = model(**enc).logits.softmax(-1)
        top = probs.topk(TOP_K, dim=-1)
        for text, p, idx in zip(texts, top.values, top.indices):
            yield text, [(model.config.id2label[i], round(v, 3)) for v, i in zip(p.tolist(), idx.tolist())]


for text, ranking in predict(batched(clean(read(inbox)), BATCH_SIZE)):
    print(f"{text[:30]:30} -> {ranking}")
