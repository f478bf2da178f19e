# Attribute span typing for marketplace product titles.
# Seller titles are word-split, candidate spans come from the catalogue
# matcher, and a small BERT encoder types each span as brand / colour /
# size / material / none.
import os
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 21
MAX_TOKENS = 32
MAX_SPANS = 6
HIDDEN = 32
BATCH = 16
STEPS = 30
ATTR_TYPES = ["none", "brand", "color", "size", "material"]

BRANDS = ["acme", "northpeak", "lumen", "vexa", "kestrel"]
COLORS = ["black", "red", "olive", "navy", "white", "sand"]
SIZES = ["xl", "small", "medium", "10", "42"]
MATERIALS = ["leather", "cotton", "steel", "bamboo", "wool"]
PRODUCTS = ["sneakers", "jacket", "backpack", "kettle", "beanie", "sandals"]
FILLERS = ["new", "mens", "womens", "sale", "free", "shipping", "with", "pack", "of", "2"]

random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)


def write_vocab(path):
    words = sorted(set(BRANDS + COLORS + SIZES + MATERIALS + PRODUCTS + FILLERS))
    pieces = ["##s", "##er", "##ed", "##ing", "##x"]
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words + pieces) + "\n")


def make_title():
    """Returns the title words and gold spans as (start_word, end_word, type)."""
    parts = [("brand", random.choice(BRANDS))]
    if random.random() < 0.8:
        parts.append(("color", random.choice(COLORS)))
    if random.random() < 0.6:
        parts.append(("material", random.choice(MATERIALS)))
    parts.append(("none", random.choice(PRODUCTS)))
    if random.random() < 0.7:
        parts.append(("size", random.choice(SIZES)))
    random.shuffle(parts)
    words, spans = [], []
    for attr, w in parts:
        if random.random() < 0.3:
            words.append(random.choice(FILLERS))
        spans.append((len(words), len(words), ATTR_TYPES.index(attr)))
        words.append(w)
    return words, spans


def encode_catalogue(titles, tokenizer):
    enc = tokenizer([w for w, _ in titles], is_split_into_words=True, padding="max_length",
                    truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
    n = len(titles)
    span_bounds = np.zeros((n, MAX_SPANS, 2))
    span_labels = np.full((n, MAX_SPANS), -100, dtype=np.int64)
    for i, (words, spans) in enumerate(titles):
        word_ids = enc.word_ids(i)
        first_tok = {}
        last_tok = {}
        for tok_idx, wid in enumerate(word_ids):
            if wid is None:
                continue
            first_tok.setdefault(wid, tok_idx)
            last_tok[wid] = tok_idx
        for j, (ws, we, label) in enumerate(spans[:MAX_SPANS]):
            if ws not in first_tok or we not in last_tok:
                continue
            span_bounds[i, j] = (first_tok[ws], last_tok[we])
            span_labels[i, j] = label
    return enc, torch.from_numpy(span_bounds), torch.from_numpy(span_labels)


def span_representations(hidden, span_bounds):
    bsz = hidden.size(0)
    rows = torch.arange(bsz).unsqueeze(1)
    start_vec = hidden[rows, span_bounds[..., 0]]
    end_vec = hidden[rows, span_bounds[..., 1]]
    return torch.cat([start_vec, end_vec, start_vec * end_vec], dim=-1)


def build_encoder(vocab_size):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=HIDDEN, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64)
    return BertModel(cfg, add_pooling_layer=False)


def run_batch(encoder, span_head, enc, bounds, labels, idx):
    out = encoder(input_ids=enc["input_ids"][idx],
                  attention_mask=enc["attention_mask"][idx],
                  token_type_ids=enc["token_type_ids"][idx])
    reps = span_representations(out.last_hidden_state, bounds[idx])
    logits = span_head(reps)
    return F.cross_entropy(logits.view(-1, len(ATTR_TYPES)), labels[idx].view(-1), ignore_index=-100), logits


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    vocab_path = os.path.join(here, "title_vocab.txt")
    write_vocab(vocab_path)
    tokenizer = BertTokenizer(vocab_path)

    titles = [make_title() for _ in range(400)]
    enc, bounds, labels = encode_catalogue(titles, tokenizer)
    print("encoded", enc["input_ids"].shape, "spans", bounds.shape)

    encoder = build_encoder(tokenizer.vocab_size)
    span_head = nn.Sequential(nn.Linear(3 * HIDDEN, HIDDEN), nn.GELU(), nn.Linear(HIDDEN, len(ATTR_TYPES)))
    params = list(encoder.parameters()) + list(span_head.parameters())
    opt = torch.optim.AdamW(params, lr=3e-3)

    n_train = 320
    for step in range(STEPS):
        idx = torch.randint(0, n_train, (BATCH,))
        loss, _ = run_batch(encoder, span_head, enc, bounds, labels, idx)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step:3d} loss {loss.item():.4f}")

    encoder.eval()
    with torch.no_grad():
        idx = torch.arange(n_train, len(titles))
        _, logits = run_batch(encoder, span_head, enc, bounds, labels, idx)
        mask = labels[idx] != -100
        acc = (logits.argmax(-1)[mask] == labels[idx][mask]).float().mean().item()
    print(f"held-out span accuracy {acc:.3f}")


if __name__ == "__main__":
    main()
