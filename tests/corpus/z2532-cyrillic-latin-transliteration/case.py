"""Character-level Cyrillic -> Latin transliteration for a small Komi-style word list.

Encoder GRU + Luong-style dot attention decoder, trained with teacher forcing.
"""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

SEED = 13
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "je", "ж": "zh",
    "з": "z", "и": "i", "і": "i", "й": "j", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "ӧ": "ö", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "c", "ч": "ch", "ш": "sh", "ы": "y",
    "ь": "'", "э": "e", "ю": "ju", "я": "ja",
}
PAD, BOS, EOS = "<pad>", "<s>", "</s>"
MAX_SRC = 14
MAX_TGT = 22


def make_lexicon(n_words):
    letters = list(TRANSLIT)
    vowels = [c for c in letters if c in "аеиіоӧуыэюя"]
    words = []
    for _ in range(n_words):
        n_syl = random.randint(1, 4)
        w = "".join(random.choice(letters) + random.choice(vowels) for _ in range(n_syl))
        words.append(w)
    return words


def romanize(word):
    return "".join(TRANSLIT[c] for c in word)


def build_vocab(strings):
    chars = sorted({c for s in strings for c in s})
    itos = [PAD, BOS, EOS] + chars
    return {c: i for i, c in enumerate(itos)}, itos


def encode_words(words, char2id, max_len, add_bos=False):
    arr = np.zeros((len(words), max_len))
    for i, w in enumerate(words):
        ids = [char2id[c] for c in w] + [char2id[EOS]]
        if add_bos:
            ids = [char2id[BOS]] + ids
        ids = ids[:max_len]
        arr[i, : len(ids)] = ids
    return torch.from_numpy(arr)


def init_params(src_vocab, tgt_vocab, emb=32, hid=64):
    return nn.ModuleDict({
        "src_emb": nn.Embedding(src_vocab, emb, padding_idx=0),
        "tgt_emb": nn.Embedding(tgt_vocab, emb, padding_idx=0),
        "enc": nn.GRU(emb, hid, batch_first=True),
        "dec": nn.GRU(emb, hid, batch_first=True),
        "attn_out": nn.Linear(2 * hid, hid),
        "proj": nn.Linear(hid, tgt_vocab),
    })


def forward(params, src, tgt_in):
    src_mask = src != 0
    enc_out, h = params["enc"](params["src_emb"](src))
    dec_out, _ = params["dec"](params["tgt_emb"](tgt_in), h)
    scores = torch.bmm(dec_out, enc_out.transpose(1, 2))
    scores = scores.masked_fill(~src_mask[:, None, :], float("-inf"))
    ctx = torch.bmm(scores.softmax(-1), enc_out)
    combined = torch.tanh(params["attn_out"](torch.cat([dec_out, ctx], dim=-1)))
    return params["proj"](combined)


@torch.no_grad()
def greedy_decode(params, src, itos, max_len=MAX_TGT):
    enc_out, h = params["enc"](params["src_emb"](src))
    src_mask = src != 0
    y = torch.full((src.size(0), 1), 1, dtype=torch.long)
    outs = []
    for _ in range(max_len):
        dec_out, h = params["dec"](params["tgt_emb"](y[:, -1:]), h)
        scores = torch.bmm(dec_out, enc_out.transpose(1, 2))
        scores = scores.masked_fill(~src_mask[:, None, :], float("-inf"))
        ctx = torch.bmm(scores.softmax(-1), enc_out)
        logits = params["proj"](torch.tanh(params["attn_out"](torch.cat([dec_out, ctx], -1))))
        y = torch.cat([y, logits.argmax(-1)], dim=1)
    for row in y[:, 1:].tolist():
        s = []
        for t in row:
            if itos[t] == EOS:
                break
            s.append(itos[t])
        outs.append("".join(s))
    return outs


def main():
    words = make_lexicon(600)
    romans = [romanize(w) for w in words]
    src2id, src_itos = build_vocab(words)
    tgt2id, tgt_itos = build_vocab(romans)

    src = encode_words(words, src2id, MAX_SRC)
    tgt = encode_words(romans, tgt2id, MAX_TGT + 1, add_bos=True)

    n_dev = 60
    train_ds = TensorDataset(src[n_dev:], tgt[n_dev:])
    dev_src, dev_words = src[:n_dev], romans[:n_dev]
    loader = DataLoader(train_ds, batch_size=32, shuffle=True)

    params = init_params(len(src_itos), len(tgt_itos))
    opt = torch.optim.Adam(params.parameters(), lr=3e-3)

    for epoch in range(3):
        total = 0.0
        for s, t in loader:
            tgt_in, tgt_out = t[:, :-1], t[:, 1:]
            logits = forward(params, s, tgt_in)
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), tgt_out.reshape(-1), ignore_index=0)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(params.parameters(), 1.0)
            opt.step()
            total += loss.item()
        preds = greedy_decode(params, dev_src, tgt_itos)
        acc = sum(p == g for p, g in zip(preds, dev_words)) / n_dev
        print(f"epoch {epoch} loss {total / len(loader):.3f} dev word acc {acc:.3f}")

    for w, p in zip(words[:5], greedy_decode(params, dev_src[:5], tgt_itos)):
        print(f"{w} -> {p}")


if __name__ == "__main__":
    main()
