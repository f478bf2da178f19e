"""Multilingual interlinear gloss tagger.

Each training item is a segmented source sentence (morphemes joined by
boundary markers) with one Leipzig-style gloss label per morpheme. A small
BERT encoder is trained from scratch on a character/morph WordPiece vocab
that we build from the corpus itself.
"""
import os
import random

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "morph_vocab.txt")

LANG_TAGS = ["<ain>", "<ckt>", "<ntu>"]
BOUNDARY = "[MB]"
GLOSSES = ["STEM", "1SG", "2SG", "3PL", "PL", "PST", "FUT", "NMLZ", "LOC", "ERG"]
GLOSS2ID = {g: i for i, g in enumerate(GLOSSES)}

ONSETS = list("ptkmnswryc")
VOWELS = list("aeiou")


def random_syllables(n):
    return "".join(random.choice(ONSETS) + random.choice(VOWELS) for _ in range(n))


AFFIXES = {g: random_syllables(1) for g in GLOSSES if g != "STEM"}
STEMS = [random_syllables(random.randint(2, 3)) for _ in range(60)]


def make_sentence():
    lang = random.choice(LANG_TAGS)
    morphs, glosses = [], []
    for _ in range(random.randint(2, 5)):
        pre = random.sample([g for g in AFFIXES if g in ("1SG", "2SG", "3PL")], k=random.randint(0, 1))
        suf = random.sample([g for g in AFFIXES if g not in ("1SG", "2SG", "3PL")], k=random.randint(0, 2))
        for g in pre:
            morphs.append(AFFIXES[g]); glosses.append(g)
        morphs.append(random.choice(STEMS)); glosses.append("STEM")
        for g in suf:
            morphs.append(AFFIXES[g]); glosses.append(g)
        morphs.append(BOUNDARY); glosses.append(None)
    return lang, morphs[:-1], glosses[:-1]


def write_wordpiece_vocab(corpus, path):
    pieces = set()
    for _, morphs, _ in corpus:
        for m in morphs:
            if m != BOUNDARY:
                pieces.add(m)
    chars = sorted(set(ONSETS + VOWELS))
    entries = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    entries += chars + ["##" + c for c in chars] + sorted(pieces)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(entries) + "\n")
    return len(entries)


def build_tokenizer(path):
    tok = BertTokenizer(path, do_lower_case=False)
    tok.add_special_tokens({"additional_special_tokens": LANG_TAGS})
    tok.add_tokens([BOUNDARY])
    return tok


def encode(batch, tokenizer, max_len=64):
    words = [[lang] + morphs for lang, morphs, _ in batch]
    enc = tokenizer(words, is_split_into_words=True, padding=True,
                    truncation=True, max_length=max_len, return_tensors="pt")
    labels = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
    for b, (_, _, glosses) in enumerate(batch):
        prev = None
        for t, w in enumerate(enc.word_ids(b)):
            if w is not None and w != prev and w > 0:
                g = glosses[w - 1]
                if g is not None:
                    labels[b, t] = GLOSS2ID[g]
            prev = w
    enc["labels"] = labels
    return enc


corpus = [make_sentence() for _ in range(128)]
n_pieces = write_wordpiece_vocab(corpus, VOCAB_PATH)
tokenizer = build_tokenizer(VOCAB_PATH)
print(f"wordpiece entries: {n_pieces}, tokenizer size: {len(tokenizer)}")

config = BertConfig(
    vocab_size=len(tokenizer),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=128,
    num_labels=len(GLOSSES),
    pad_token_id=tokenizer.pad_token_id,
)
model = BertForTokenClassification(config)

loader = DataLoader(corpus, batch_size=16, shuffle=True,
                    collate_fn=lambda b: encode(b, tokenizer))
optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

model.train()
for epoch in range(2):
    total = 0.0
    for step, batch in enumerate(loader):
        out = model(**batch)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        total += out.loss.item()
    print(f"epoch {epoch}: mean loss {total / (step + 1):.4f}")

model.eval()
with torch.no_grad():
    sample = encode(corpus[:2], tokenizer)
    pred = model(input_ids=sample["input_ids"], attention_mask=sample["attention_mask"]).logits.argmax(-1)
    print(tokenizer.convert_ids_to_tokens(sample["input_ids"][0]))
    print([GLOSSES[i] for i in pred[0].tolist()])
