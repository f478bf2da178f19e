import heapq
import itertools
import os
import random
from collections import defaultdict

import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

random.seed(3)
torch.manual_seed(3)

WORKDIR = os.path.dirname(os.path.abspath(__file__))
VOCAB = os.path.join(WORKDIR, "squad_mini_vocab.txt")
MAX_SEQ = 32
STRIDE = 10
N_BEST = 20
MAX_ANS = 8

tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(
    "who when where what did the a of in on was is by and from to for at with won prize "
    "born studied moved worked physics chemistry medicine university vienna zurich rome "
    "oslo 1911 1921 1932 1945 scientist she he her his later after years".split()))
with open(VOCAB, "w") as fh:
    fh.writelines(t + "\n" for t in tokens)
tokenizer = BertTokenizer(VOCAB)

CITIES = ["vienna", "zurich", "rome", "oslo"]
YEARS = ["1911", "1921", "1932", "1945"]
FIELDS = ["physics", "chemistry", "medicine"]


def squad_like(n):
    data = []
    for k in range(n):
        city, year, fld = random.choice(CITIES), random.choice(YEARS), random.choice(FIELDS)
        bio = (f"the scientist was born in {random.choice(CITIES)} and studied {fld} at the university "
               f"of {city} . later she moved to {random.choice(CITIES)} and worked for years . "
               f"she won the prize in {fld} in {year} after years of work")
        data.append({"id": f"ex{k}", "context": bio, "question": f"when did she win the prize in {fld}",
                     "answers": [year]})
    return data


def windows(example):
    q = tokenizer.tokenize(example["question"])
    words = example["context"].split()
    doc, tok2word = [], []
    for wi, w in enumerate(words):
        for piece in tokenizer.tokenize(w):
            doc.append(piece)
            tok2word.append(wi)
    room = MAX_SEQ - len(q) - 3
    start = 0
    while True:
        chunk = doc[start:start + room]
        toks = ["[CLS]"] + q + ["[SEP]"] + chunk + ["[SEP]"]
        ids = tokenizer.convert_tokens_to_ids(toks)
        yield {
            "example_id": example["id"],
            "input_ids": ids + [0] * (MAX_SEQ - len(ids)),
            "token_type_ids": [0] * (len(q) + 2) + [1] * (MAX_SEQ - len(q) - 2),
            "attention_mask": [1] * len(ids) + [0] * (MAX_SEQ - len(ids)),
            "ctx_offset": len(q) + 2,
            "word_map": {len(q) + 2 + i: tok2word[start + i] for i in range(len(chunk))},
            "words": words,
        }
        if start + room >= len(doc):
            break
        start += STRIDE


examples = squad_like(6)
features = [f for ex in examples for f in windows(ex)]
print(f"{len(examples)} examples -> {len(features)} windows")

config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
qa_model = BertForQuestionAnswering(config).eval()

batch = {k: torch.tensor([f[k] for f in features])
         for k in ("input_ids", "token_type_ids", "attention_mask")}
with torch.no_grad():
    outputs = qa_model(**batch)
start_all = outputs.start_logits.numpy()
end_all = outputs.end_logits.numpy()


def candidate_spans(feat, s_logits, e_logits):
    top_s = s_logits.argsort()[::-1][:N_BEST]
    top_e = e_logits.argsort()[::-1][:N_BEST]
    for s in top_s:
        for e in top_e:
            if s not in feat["word_map"] or e not in feat["word_map"]:
                continue
            if e < s or e - s + 1 > MAX_ANS:
                continue
            w_s, w_e = feat["word_map"][s], feat["word_map"][e]
            yield round(float(s_logits[s] + e_logits[e]), 2), {
                "text": " ".join(feat["words"][w_s:w_e + 1]),
                "window_start": int(s), "window_end": int(e),
            }


nbest = defaultdict(list)
tiebreak = itertools.count()
for i, feat in enumerate(features):
    heap = nbest[feat["example_id"]]
    for score, cand in candidate_spans(feat, start_all[i], end_all[i]):
        if len(heap) < N_BEST:
            heapq.heappush(heap, (score, next(tiebreak), cand))
        else:
            heapq.heappushpop(heap, (score, next(tiebreak), cand))

exact = 0
for ex in examples:
    ranked = sorted(nbest[ex["id"]], key=lambda t: t[0], reverse=True)
    pred = ranked[0][-1]["text"] if ranked else ""
    exact += int(pred in ex["answers"])
    print(ex["id"], repr(pred), [round(s, 2) for s, *_ in ranked])
print(f"EM {exact}/{len(examples)}")
