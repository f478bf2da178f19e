import os
import random

import numpy as np
import torch
import torch.nn.functional as F
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

ROOT = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(ROOT, "reader_vocab.txt")
MAX_LEN = 64
STRIDE = 24
MAX_ANSWER_TOKENS = 5

rng = random.Random(2024)
torch.manual_seed(2024)

RIVERS = ["amazon", "danube", "mekong", "volga", "niger", "yukon"]
COUNTRIES = ["brazil", "austria", "laos", "russia", "mali", "canada"]
FACTS = ["fish", "boats", "bridges", "dams", "floods", "ports"]
GLUE = ("the a it its river flows through country many people use for travel and trade "
        "is known famous long wide water which where what along near old new").split()


def build_vocab():
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", "?", ","]
    toks += sorted(set(RIVERS + COUNTRIES + FACTS + GLUE))
    with open(VOCAB_PATH, "w") as f:
        f.write("\n".join(toks) + "\n")


def paragraph(n_sent):
    river, country = rng.choice(RIVERS), rng.choice(COUNTRIES)
    sents = [f"The {river.title()} flows through {country.title()}."]
    for _ in range(n_sent):
        sents.append(f"It is known for {rng.choice(FACTS)} and many people use it for {rng.choice(['travel', 'trade'])}.")
    rng.shuffle(sents)
    ctx = " ".join(sents)
    return {"question": f"Which country does the {river.title()} flow through?",
            "context": ctx, "answer": country.title(), "char_start": ctx.index(country.title())}


def encode(tok, examples, max_len=None, stride=0):
    windowed = max_len is not None
    enc = tok([e["question"] for e in examples], [e["context"] for e in examples],
              max_length=max_len, truncation="only_second" if windowed else False,
              stride=stride, return_overflowing_tokens=windowed,
              return_offsets_mapping=True, padding="longest", return_tensors="pt")
    if "overflow_to_sample_mapping" in enc:
        sample_map = enc.pop("overflow_to_sample_mapping")
    else:
        sample_map = torch.arange(len(examples))
    starts, ends = [], []
    for i in range(enc["input_ids"].size(0)):
        ex = examples[int(sample_map[i])]
        s_char, e_char = ex["char_start"], ex["char_start"] + len(ex["answer"])
        seq = enc.sequence_ids(i)
        offs = enc["offset_mapping"][i].tolist()
        s_tok = e_tok = 0
        for j, (a, b) in enumerate(offs):
            if seq[j] == 1 and a <= s_char < b:
                s_tok = j
            if seq[j] == 1 and a < e_char <= b:
                e_tok = j
        if s_tok == 0 or e_tok == 0:
            s_tok = e_tok = 0
        starts.append(s_tok)
        ends.append(e_tok)
    enc["start_positions"] = torch.tensor(starts)
    enc["end_positions"] = torch.tensor(ends)
    return enc, sample_map


def best_span(s_logits, e_logits, seq_ids):
    ctx = np.array([x == 1 for x in seq_ids])
    s = s_logits.numpy().copy()
    e = e_logits.numpy().copy()
    s[~ctx] = -1e9
    e[~ctx] = -1e9
    best = (-1e18, 0, 0)
    for i in np.argsort(s)[-8:]:
        for j in np.argsort(e)[-8:]:
            if i <= j < i + MAX_ANSWER_TOKENS and s[i] + e[j] > best[0]:
                best = (s[i] + e[j], int(i), int(j))
    return best


def main():
    build_vocab()
    tok = BertTokenizer(VOCAB_PATH)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=MAX_LEN)
    model = BertForQuestionAnswering(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=5e-4)

    train = [paragraph(rng.randint(3, 8)) for _ in range(24)]
    dev = [paragraph(rng.randint(3, 8)) for _ in range(6)]

    train_feats, _ = encode(tok, train, max_len=MAX_LEN, stride=STRIDE)
    print("train windows:", train_feats["input_ids"].shape)
    cols = ["input_ids", "token_type_ids", "attention_mask", "start_positions", "end_positions"]
    n = train_feats["input_ids"].size(0)
    model.train()
    for step in range(3):
        perm = torch.randperm(n)
        for k in range(0, n, 8):
            idx = perm[k:k + 8]
            out = model(**{c: train_feats[c][idx] for c in cols})
            opt.zero_grad()
            out.loss.backward()
            opt.step()
        print(f"step {step} loss {out.loss.item():.4f}")

    dev_feats, dev_map = encode(tok, dev, max_len=MAX_LEN, stride=STRIDE)
    model.eval()
    with torch.no_grad():
        out = model(input_ids=dev_feats["input_ids"], token_type_ids=dev_feats["token_type_ids"],
                    attention_mask=dev_feats["attention_mask"])
    probs = F.softmax(out.start_logits, dim=-1)
    best_per_example = {}
    for i in range(dev_feats["input_ids"].size(0)):
        score, a, b = best_span(out.start_logits[i], out.end_logits[i], dev_feats.sequence_ids(i))
        ex_id = int(dev_map[i])
        if ex_id not in best_per_example or score > best_per_example[ex_id][0]:
            offs = dev_feats["offset_mapping"][i]
            text = dev[ex_id]["context"][int(offs[a][0]):int(offs[b][1])]
            best_per_example[ex_id] = (score, text, probs[i, a].item())
    for ex_id, (score, text, p) in sorted(best_per_example.items()):
        print(dev[ex_id]["question"], "->", repr(text), "gold:", dev[ex_id]["answer"], f"p={p:.3f}")


if __name__ == "__main__":
    main()
