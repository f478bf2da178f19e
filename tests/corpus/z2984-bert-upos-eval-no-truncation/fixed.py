import os
import random

import torch
from torch import nn
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_LEN = 48

ONSETS = ["k", "t", "m", "n", "s", "w", "y", "p", "h"]
VOWELS = ["a", "i", "u", "e", "o"]
SUFFIX_BY_POS = {
    "NOUN": ["na", "ku"],
    "VERB": ["ta", "mi", "so"],
    "ADJ": ["wa"],
    "ADP": [""],
    "PRON": [""],
    "PUNCT": [""],
}


def make_stem(n_syll):
    return "".join(random.choice(ONSETS) + random.choice(VOWELS) for _ in range(n_syll))


LEXICON = {
    "NOUN": [make_stem(2) for _ in range(30)],
    "VERB": [make_stem(2) for _ in range(20)],
    "ADJ": [make_stem(2) for _ in range(10)],
    "ADP": ["ki", "mo", "ta"],
    "PRON": ["ne", "yu", "sa"],
    "PUNCT": ["."],
}


def synth_conllu(n_sents, min_len, max_len):
    blocks = []
    for sid in range(n_sents):
        n = random.randint(min_len, max_len)
        rows = [f"# sent_id = s{sid}"]
        for i in range(1, n):
            pos = random.choice(["NOUN", "NOUN", "VERB", "ADJ", "ADP", "PRON"])
            form = random.choice(LEXICON[pos]) + random.choice(SUFFIX_BY_POS[pos])
            rows.append(f"{i}\t{form}\t_\t{pos}\t_\t_\t0\t_\t_\t_")
        rows.append(f"{n}\t.\t_\tPUNCT\t_\t_\t0\tpunct\t_\t_")
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks) + "\n"


def read_conllu(text):
    sents = []
    for block in text.strip().split("\n\n"):
        forms, tags = [], []
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            forms.append(cols[1])
            tags.append(cols[3])
        sents.append((forms, tags))
    return sents


train = read_conllu(synth_conllu(60, 4, 12))
test = read_conllu(synth_conllu(6, 20, 70))

pieces = set()
for forms, _ in train + test:
    for w in forms:
        for j in range(0, len(w), 2):
            chunk = w[j:j + 2]
            pieces.add(chunk if j == 0 else "##" + chunk)
        pieces.add(w)
vocab_path = os.path.join(HERE, "upos_vocab.txt")
with open(vocab_path, "w", encoding="utf-8") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(pieces)) + "\n")

tokenizer = BertTokenizer(vocab_path)
tag2id = {t: i for i, t in enumerate(sorted({t for _, ts in train for t in ts}))}
id2tag = {i: t for t, i in tag2id.items()}


def align_labels(enc, batch_tags):
    out = []
    for b, tags in enumerate(batch_tags):
        prev = None
        row = []
        for wid in enc.word_ids(b):
            if wid is None or wid == prev:
                row.append(-100)
            else:
                row.append(tag2id[tags[wid]])
            prev = wid
        out.append(row)
    return torch.tensor(out)


def encode(batch, **kw):
    words = [f for f, _ in batch]
    tags = [t for _, t in batch]
    enc = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt", **kw)
    return enc, tags


config = BertConfig(
    vocab_size=tokenizer.vocab_size,
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=MAX_LEN,
    num_labels=len(tag2id),
)
model = BertForTokenClassification(config)
optim = torch.optim.AdamW(model.parameters(), lr=3e-3)

for epoch in range(3):
    random.shuffle(train)
    model.train()
    total = 0.0
    for k in range(0, len(train), 8):
        batch = train[k:k + 8]
        enc, tags = encode(batch, truncation=True, max_length=MAX_LEN)
        labels = align_labels(enc, tags)
        out = model(**enc, labels=labels)
        optim.zero_grad()
        out.loss.backward()
        optim.step()
        total += out.loss.item()
    print(f"epoch {epoch} loss {total:.3f}")

model.eval()
correct = n_tok = 0
with torch.no_grad():
    for k in range(0, len(test), 4):
        batch = test[k:k + 4]
        enc, tags = encode(batch, truncation=True, max_length=MAX_LEN)
        labels = align_labels(enc, tags)
        logits = model(**enc).logits
        pred = logits.argmax(-1)
        keep = labels != -100
        correct += (pred[keep] == labels[keep]).sum().item()
        n_tok += keep.sum().item()
print(f"test UPOS accuracy {correct / n_tok:.3f}")
