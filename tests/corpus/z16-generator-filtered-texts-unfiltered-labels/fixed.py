"""Streaming fine-tuning: reviews are read line by line and batched with generators (itertools.islice)."""
import io
import os
import tempfile
from itertools import islice

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "bad", "phone", "battery", "screen", "broke",
         "love", "it", "works", "fine", "terrible", "camera", "great"]
BATCH = 4
REVIEWS_TSV = """love it\t1
battery broke\t0
\t0
great camera\t1
screen works fine\t1
terrible phone\t0
good battery\t1
bad screen\t0
"""

vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(VOCAB) + "\n")
tokenizer = BertTokenizer(vocab_path)
encoder = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                               intermediate_size=37, max_position_embeddings=32))
head = torch.nn.Linear(32, 2)
optimizer = torch.optim.AdamW([*encoder.parameters(), *head.parameters()], lr=5e-4)


def read_rows(stream):
    for line in stream:
        text, label = line.rstrip("\n").split("\t")
        yield text, int(label)


def batched(iterable, n):
    it = iter(iterable)
    while chunk := list(islice(it, n)):
        yield chunk


rows = list(read_rows(io.StringIO(REVIEWS_TSV)))
texts = (text for text, _ in rows if text.strip())
labels = (label for text, label in rows if text.strip())

for text_batch, label_batch in zip(batched(texts, BATCH), batched(labels, BATCH)):
    enc = tokenizer(text_batch, padding=True, return_tensors="pt")
    cls = encoder(**enc).last_hidden_state[:, 0]
    loss = F.cross_entropy(head(cls), torch.tensor(label_batch))
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"loss {loss.item():.3f}")
