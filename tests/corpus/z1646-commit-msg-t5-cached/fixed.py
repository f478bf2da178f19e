"""Commit-message generation: tiny T5 that maps a (simplified) diff to a one-line message.

Tokenisation is slow on the real corpus, so ids are cached to CSV once and
reloaded on later runs.
"""
import os
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertTokenizer, T5Config, T5ForConditionalGeneration

torch.manual_seed(3)

COMMITS = [
    ("+ if user is none : return", "fix null check in login handler"),
    ("- timeout = 30 + timeout = 60", "increase request timeout"),
    ("+ import logging + logger = logging . getlogger ( )", "add logging to parser"),
    ("- print ( result )", "remove debug print"),
    ("+ def close ( self ) : self . conn . close ( )", "add close method to client"),
    ("- retries = 3 + retries = 5", "increase retry count"),
    ("+ assert len ( rows ) > 0", "add sanity check for empty rows"),
    ("- import os", "remove unused import"),
]

SRC_LEN = 20
MSG_LEN = 10


def build_tokenizer(root):
    toks = set()
    for diff, msg in COMMITS:
        toks.update(diff.split())
        toks.update(msg.split())
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "</s>"] + sorted(toks)
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(os.path.join(root, "vocab.txt"), eos_token="</s>")


def encode_column(tok, texts, length):
    enc = tok([t + " </s>" for t in texts], add_special_tokens=False,
              padding="max_length", truncation=True, max_length=length)
    return np.asarray(enc["input_ids"], dtype=np.int64)


def cached_ids(tok, cache_dir, name, texts, length):
    path = os.path.join(cache_dir, f"{name}.ids.csv")
    if not os.path.exists(path):
        arr = encode_column(tok, texts, length)
        np.savetxt(path, arr, delimiter=",")
        print(f"cached {arr.shape} -> {path}")
    return np.loadtxt(path, delimiter=",").astype(np.int64)


def build_loader(tok, cache_dir, batch_size=4):
    diffs = [d for d, _ in COMMITS]
    msgs = [m for _, m in COMMITS]
    diff_ids = torch.from_numpy(cached_ids(tok, cache_dir, "diff", diffs, SRC_LEN))
    msg_ids = torch.from_numpy(cached_ids(tok, cache_dir, "msg", msgs, MSG_LEN))
    pad = tok.pad_token_id
    diff_mask = (diff_ids != pad).long()
    msg_labels = msg_ids.masked_fill(msg_ids == pad, -100)
    ds = TensorDataset(diff_ids, diff_mask, msg_labels)
    return DataLoader(ds, batch_size=batch_size, shuffle=True)


def build_model(tok):
    cfg = T5Config(
        vocab_size=len(tok),
        d_model=32,
        d_kv=16,
        d_ff=64,
        num_layers=1,
        num_decoder_layers=1,
        num_heads=2,
        pad_token_id=tok.pad_token_id,
        eos_token_id=tok.eos_token_id,
        decoder_start_token_id=tok.pad_token_id,
    )
    return T5ForConditionalGeneration(cfg)


def train(model, loader, epochs=3):
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    model.train()
    for ep in range(epochs):
        total = 0.0
        for diff_ids, diff_mask, msg_labels in loader:
            out = model(input_ids=diff_ids, attention_mask=diff_mask, labels=msg_labels)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            total += out.loss.item()
        print(f"epoch {ep} loss {total / len(loader):.4f}")


def main():
    work = tempfile.mkdtemp(prefix="commitgen_")
    cache_dir = os.path.join(work, "cache")
    os.makedirs(cache_dir, exist_ok=True)
    tok = build_tokenizer(work)
    loader = build_loader(tok, cache_dir)
    model = build_model(tok)
    train(model, loader)

    model.eval()
    probe = tok(["- print ( result ) </s>"], add_special_tokens=False, return_tensors="pt",
                return_token_type_ids=False)
    with torch.no_grad():
        out = model.generate(**probe, max_new_tokens=MSG_LEN)
    print("message:", tok.decode(out[0], skip_special_tokens=True))


if __name__ == "__main__":
    main()
