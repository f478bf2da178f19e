"""Embed ferry engine-room log entries with a small BERT encoder and rank them
against a query, so the night shift can find similar past incidents quickly."""
import os
import tempfile
from functools import partial, reduce
from itertools import chain

import torch
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

LOG_ENTRIES = [
    "port main engine coolant temperature high alarm at 0340 reset after flushing strainer",
    "starboard generator tripped on overspeed during berthing manoeuvre restarted manually",
    "bilge pump two running continuously found float switch stuck cleaned and tested ok",
    "fuel oil purifier bowl opened sludge removed gaskets renewed purifier back in service "
    "after test run of two hours no leaks observed fuel pressure steady at four bar "
    "port main engine coolant temperature normal starboard generator load shared evenly "
    "bilge levels checked all compartments dry steering gear hydraulic oil topped up "
    "shaft seal drip rate within limits fire pump tested from bridge and engine room "
    "emergency generator started on simulated blackout took over in nine seconds "
    "air compressor one unloader valve sticking freed and lubricated watch handed over",
    "steering gear pump one noisy on hard over changed to pump two for crossing",
]
QUERY = "generator tripped overspeed"

PIPELINE = {"max_len": 128, "lowercase": True}
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def compose(*fns):
    return lambda x: reduce(lambda acc, f: f(acc), fns, x)


def write_vocab(texts):
    words = sorted(set(chain.from_iterable(t.split() for t in texts)))
    folder = tempfile.mkdtemp(prefix="ferry_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return path


def make_encoder(tokenizer, max_len):
    def encode(text):
        pieces = tokenizer.tokenize(text)[: max_len - 2]
        return tokenizer.convert_tokens_to_ids(["[CLS]"] + pieces + ["[SEP]"])
    return encode


def make_padder(pad_id):
    def pad(rows):
        width = max(map(len, rows))
        ids = torch.tensor([r + [pad_id] * (width - len(r)) for r in rows])
        attn = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows])
        return {"input_ids": ids, "attention_mask": attn}
    return pad


def make_embedder(model):
    @torch.no_grad()
    def embed(batch):
        hidden = model(**batch).last_hidden_state
        weights = batch["attention_mask"].unsqueeze(-1).float()
        return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
    return embed


def normalise(vectors):
    return torch.nn.functional.normalize(vectors, dim=-1)


def rank(query_vec, entry_vecs):
    scores = entry_vecs @ query_vec.squeeze(0)
    return sorted(enumerate(scores.tolist()), key=lambda p: -p[1])


def build_model(vocab_size):
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    return BertModel(cfg).eval()


def main():
    vocab_path = write_vocab(LOG_ENTRIES + [QUERY])
    tokenizer = BertTokenizer(vocab_path, do_lower_case=PIPELINE["lowercase"])
    model = build_model(tokenizer.vocab_size)
    print(f"vocab size: {tokenizer.vocab_size}")

    encode = make_encoder(tokenizer, min(PIPELINE["max_len"], model.config.max_position_embeddings))
    to_batch = make_padder(tokenizer.pad_token_id)
    pipeline = compose(partial(map, encode), list, to_batch, make_embedder(model), normalise)

    lengths = list(map(compose(encode, len), LOG_ENTRIES))
    print(f"encoded lengths: {lengths}")

    entry_vecs = pipeline(LOG_ENTRIES)
    query_vec = pipeline([QUERY])

    print(f"query: {QUERY!r}")
    for idx, score in rank(query_vec, entry_vecs)[:3]:
        print(f"  {score:+.3f}  {LOG_ENTRIES[idx][:60]}")


if __name__ == "__main__":
    main()
