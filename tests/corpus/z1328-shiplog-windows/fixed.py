"""Domain-adaptive MLM warm-up on merchant ship deck logbooks.

Logbook entries are concatenated into one long token stream and cut into
overlapping windows, then a tiny BERT is trained with masked-LM for a few steps.
"""
import itertools
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForMaskedLM, BertTokenizer

random.seed(7)
torch.manual_seed(7)

LOG_ENTRIES = [
    "0400 wind nw force 5 sea moderate swell heavy barometer falling",
    "0800 altered course to 245 true to clear fishing fleet on starboard bow",
    "1200 noon position fixed by gps speed 12 knots fuel remaining 410 tonnes",
    "1600 boat drill held all crew mustered lifeboat 2 lowered to embarkation deck",
    "2000 visibility reduced fog signals sounding lookout doubled on bridge",
    "0000 pilot boarded at fairway buoy engines on standby",
    "0400 anchored in designated anchorage 7 shackles on deck",
    "0800 cargo hold 3 bilge sounded dry hatch covers secured",
    "1200 ballast transfer from double bottom tank 4 to forepeak",
    "1600 wind veering ne force 6 sea rough vessel pitching moderately",
]

MAX_POSITIONS = 64
WINDOW = MAX_POSITIONS - 2    # tokens per training chunk, leaving room for [CLS]/[SEP]
STRIDE = WINDOW // 2
BATCH_SIZE = 4
MASK_PROB = 0.15


def build_tokenizer(entries):
    words = sorted({w for e in entries for w in e.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab_dir = tempfile.mkdtemp(prefix="shiplog_vocab_")
    path = os.path.join(vocab_dir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return BertTokenizer(path)


def read_records(entries, passes=3):
    # the same voyage replayed a few times, shuffled per pass
    for _ in range(passes):
        order = list(entries)
        random.shuffle(order)
        yield from order


def tokenize_stream(records, tok):
    for rec in records:
        yield from tok.convert_tokens_to_ids(tok.tokenize(rec))
        yield tok.sep_token_id


def sliding_windows(token_iter, size, stride):
    buf = []
    for tid in token_iter:
        buf.append(tid)
        if len(buf) == size:
            yield list(buf)
            buf = buf[stride:]


def batch_stream(windows, tok, batch_size):
    it = iter(windows)
    while True:
        chunk = list(itertools.islice(it, batch_size))
        if not chunk:
            return
        rows = [[tok.cls_token_id] + w + [tok.sep_token_id] for w in chunk]
        yield torch.tensor(rows, dtype=torch.long)


def mask_tokens(ids, tok):
    targets = ids.clone()
    prob = torch.full(ids.shape, MASK_PROB)
    special = (ids == tok.cls_token_id) | (ids == tok.sep_token_id)
    prob.masked_fill_(special, 0.0)
    picked = torch.bernoulli(prob).bool()
    targets[~picked] = -100
    corrupted = ids.clone()
    corrupted[picked] = tok.mask_token_id
    return corrupted, targets


def main():
    tok = build_tokenizer(LOG_ENTRIES)
    config = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_POSITIONS,
    )
    model = BertForMaskedLM(config)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
    print(f"vocab={tok.vocab_size} window={WINDOW} stride={STRIDE}")

    stream = tokenize_stream(read_records(LOG_ENTRIES), tok)
    windows = sliding_windows(stream, size=WINDOW, stride=STRIDE)

    model.train()
    for step, ids in enumerate(batch_stream(windows, tok, BATCH_SIZE)):
        inputs, targets = mask_tokens(ids, tok)
        out = model(input_ids=inputs, attention_mask=torch.ones_like(inputs), labels=targets)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        print(f"step {step:02d} batch={tuple(ids.shape)} mlm_loss={out.loss.item():.4f}")

    print("warm-up done")


if __name__ == "__main__":
    main()
