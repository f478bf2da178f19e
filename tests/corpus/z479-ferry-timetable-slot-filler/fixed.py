"""Slot filling for passenger questions to a west-coast ferry timetable bot.

Tags each word of a query with FROM / TO / DAY / TIME slots so the bot can
look up the right sailing.  Port names are added to the tokenizer as whole
tokens so that e.g. "craignure" is not broken into unknown pieces.
"""
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(5)
torch.manual_seed(5)

PORTS = ["oban", "craignure", "lochboisdale", "castlebay", "tarbert", "uig", "ardrossan", "brodick"]
DAYS = ["monday", "tuesday", "friday", "saturday", "sunday"]
TIMES = ["0630", "0915", "1240", "1555", "1810"]
TAGS = ["O", "FROM", "TO", "DAY", "TIME"]

BASE_WORDS = ["when", "is", "the", "next", "sailing", "ferry", "boat", "from", "to", "on",
              "at", "leave", "does", "any", "after", "there", "a", "depart", "?"]

TEMPLATES = [
    "when is the next sailing from {src} to {dst} on {day} ?",
    "is there a ferry from {src} to {dst} at {time} ?",
    "does the boat leave {src} for {dst} on {day} after {time} ?",
    "any sailing to {dst} from {src} on {day} ?",
]


def build_tokenizer():
    path = os.path.join(tempfile.mkdtemp(prefix="ferry_"), "vocab.txt")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + BASE_WORDS + DAYS + TIMES + ["for"]
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    tok = BertTokenizer(path)
    tok.add_tokens(PORTS)
    return tok


def make_example():
    src, dst = random.sample(PORTS, 2)
    slots = {"src": src, "dst": dst, "day": random.choice(DAYS), "time": random.choice(TIMES)}
    words = random.choice(TEMPLATES).format(**slots).split()
    tag_of = {src: "FROM", dst: "TO", slots["day"]: "DAY", slots["time"]: "TIME"}
    return words, [TAGS.index(tag_of.get(w, "O")) for w in words]


def encode(tokenizer, examples):
    enc = tokenizer([w for w, _ in examples], is_split_into_words=True,
                    padding=True, return_tensors="pt")
    labels = []
    for i, (_, word_tags) in enumerate(examples):
        labels.append([-100 if wid is None else word_tags[wid] for wid in enc.word_ids(i)])
    enc["labels"] = torch.tensor(labels)
    return enc


tokenizer = build_tokenizer()
config = BertConfig(
    vocab_size=len(tokenizer),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    num_labels=len(TAGS),
)
model = BertForTokenClassification(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

train = [make_example() for _ in range(32)]
model.train()
for step in range(4):
    batch = encode(tokenizer, train[step * 8:(step + 1) * 8])
    loss = model(**batch).loss
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"step {step}: loss {loss.item():.4f}")

model.eval()
query, _ = make_example()
with torch.no_grad():
    enc = encode(tokenizer, [(query, [0] * len(query))])
    pred = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).logits.argmax(-1)[0]
for wid, p in zip(enc.word_ids(0), pred.tolist()):
    if wid is not None:
        print(f"{query[wid]:>14}  {TAGS[p]}")
