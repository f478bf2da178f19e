"""Embed tide-gauge maintenance log entries per station with a tiny BERT encoder.

Entries are tokenized in a thread pool, regrouped by station, and each station's
entries are encoded as one padded batch so we can compare mean embeddings.
"""
import os
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import torch
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

LOG_ENTRIES = [
    ("PORT-ALDER", "replaced pressure transducer after biofouling on intake"),
    ("PORT-ALDER", "datum check against benchmark passed"),
    ("KELP-POINT", "stilling well flushed, sediment removed from orifice"),
    ("PORT-ALDER", "radar sensor recalibrated following storm surge"),
    ("KELP-POINT", "telemetry outage, modem power cycled"),
    ("KELP-POINT", "benchmark levelling survey completed"),
    ("GULL-REEF", "barnacles scraped from float housing"),
    ("GULL-REEF", "clock drift corrected on datalogger"),
]

VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "replace", "##d", "pressure", "transduce", "##r", "after", "bio", "##fo", "##uling",
    "on", "intake", "datum", "check", "against", "bench", "##mark", "pass", "##ed",
    "still", "##ing", "well", "flush", "sediment", "remove", "from", "orifice",
    "radar", "sensor", "re", "##cal", "##ibrate", "following", "storm", "surge",
    "tele", "##metry", "outage", "modem", "power", "cycle", "level", "##ling",
    "survey", "complete", "barn", "##acles", "scrape", "float", "housing",
    "clock", "drift", "correct", "data", "##logger", ",", ".",
]


def build_tokenizer():
    tmp = tempfile.mkdtemp(prefix="tidegauge_")
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(path)


tokenizer = build_tokenizer()
config = BertConfig(
    vocab_size=len(VOCAB),
    hidden_size=32,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
)
encoder = BertModel(config).eval()


def encode_entry(item):
    """Worker: tokenize one log line and report its size."""
    station, text = item
    ids = tokenizer.encode(text, add_special_tokens=True)
    n_words = len(text.split())
    return {"station": station, "ids": ids, "span": n_words + 2}


def station_batch(rows, pad_id):
    width = max(len(r["ids"]) for r in rows)
    mask_width = max(r["span"] for r in rows)
    id_rows, keep_rows = [], []
    for r in rows:
        id_rows.append(r["ids"] + [pad_id] * (width - len(r["ids"])))
        keep_rows.append([1] * r["span"] + [0] * (mask_width - r["span"]))
    return torch.tensor(id_rows), torch.tensor(keep_rows)


def mean_pool(hidden, keep):
    keep = keep.unsqueeze(-1).float()
    return (hidden * keep).sum(1) / keep.sum(1).clamp(min=1.0)


def main():
    with ThreadPoolExecutor(max_workers=4) as pool:
        encoded = list(pool.map(encode_entry, LOG_ENTRIES))
    print(f"tokenized {len(encoded)} log entries")

    by_station = defaultdict(list)
    for row in encoded:
        by_station[row["station"]].append(row)

    summaries = {}
    for station in sorted(by_station):
        rows = sorted(by_station[station], key=lambda r: len(r["ids"]), reverse=True)
        tok_ids, keep = station_batch(rows, tokenizer.pad_token_id)
        print(f"{station}: batch {tuple(tok_ids.shape)}")
        with torch.no_grad():
            out = encoder(input_ids=tok_ids, attention_mask=keep)
        pooled = mean_pool(out.last_hidden_state, keep)
        summaries[station] = pooled.mean(0)

    names = list(summaries)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            sim = torch.cosine_similarity(summaries[a], summaries[b], dim=0).item()
            print(f"  {a} vs {b}: {sim:.3f}")


if __name__ == "__main__":
    main()
