# Railway signalling fault reports -> fault category, tiny BERT trained from scratch.
# Reports are grouped into length buckets so batches stay roughly the same length.
import itertools
import os
import tempfile
from dataclasses import dataclass

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(3)

REPORTS = [
    ("track circuit 114 showing occupied with no train present", "track_circuit"),
    ("points 221 failed to detect normal after move", "points"),
    ("signal k45 red aspect lamp out", "lamp"),
    ("tc 308 dropping intermittently during heavy rain ballast wet", "track_circuit"),
    ("points 17 heater fault ice in switch rails", "points"),
    ("main filament failed on signal k12 auxiliary filament lit", "lamp"),
    ("false occupancy tc 90 insulated rail joint damaged", "track_circuit"),
    ("point machine 5b motor tripped overload", "points"),
    ("signal k7 dark", "lamp"),
    ("tc 41 bobbing after renewal works by track gang", "track_circuit"),
    ("points 88 out of correspondence reverse", "points"),
    ("yellow aspect dim on k33 lamp proving relay dropped", "lamp"),
]
CATEGORIES = ["track_circuit", "points", "lamp"]
BUCKET_WIDTH = 4
BATCH_SIZE = 4


@dataclass
class Example:
    ids: list
    label: int


def make_tokenizer(rows):
    words = sorted({w for text, _ in rows for w in text.split()})
    folder = tempfile.mkdtemp(prefix="signal_vocab_")
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as f:
        for tok in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words:
            f.write(tok + "\n")
    return BertTokenizer(vocab_path)


def read_records(rows):
    for text, cat in rows:
        yield text, CATEGORIES.index(cat)


def tokenize_stream(records, tokenizer):
    for text, label in records:
        yield Example(tokenizer(text)["input_ids"], label)


def bucket_key(ex):
    return len(ex.ids) // BUCKET_WIDTH


def batch_stream(examples, batch_size, pad_id):
    by_len = sorted(examples, key=lambda ex: len(ex.ids))
    for bucket, members in itertools.groupby(by_len, key=bucket_key):
        members = list(members)
        for start in range(0, len(members), batch_size):
            part = members[start:start + batch_size]
            width = max(len(ex.ids) for ex in part)
            ids = torch.tensor([ex.ids + [pad_id] * (width - len(ex.ids)) for ex in part])
            yield {
                "input_ids": ids,
                "attention_mask": (ids != pad_id).long(),
                "labels": torch.tensor([ex.label for ex in part]),
            }


def main():
    tokenizer = make_tokenizer(REPORTS)
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                     num_labels=len(CATEGORIES))
    model = BertForSequenceClassification(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

    stream_a, stream_b = itertools.tee(tokenize_stream(read_records(REPORTS), tokenizer))
    lengths = [len(ex.ids) for ex in stream_a]
    print(f"reports={len(lengths)} min_len={min(lengths)} max_len={max(lengths)}")
    examples = list(stream_b)

    model.train()
    for epoch in range(2):
        running = []
        for batch in batch_stream(examples, BATCH_SIZE, tokenizer.pad_token_id):
            out = model(**batch)
            out.loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            running.append(out.loss.item())
        print(f"epoch {epoch}: mean loss {sum(running) / len(running):.4f} over {len(running)} batches")


if __name__ == "__main__":
    main()
