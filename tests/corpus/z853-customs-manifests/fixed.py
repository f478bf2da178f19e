# Flag customs manifest lines for physical inspection.
# Each line has three parts (goods description, declared origin, broker remark) which we
# feed to BERT as separate segments so the model can tell them apart.
import logging
import os
import random
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import torch
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
log = logging.getLogger("manifests")

random.seed(7)
torch.manual_seed(7)

SEGMENT_FIELDS = ("goods", "origin", "remark")

MANIFEST = [
    ("frozen shrimp in cartons", "vietnam", "cold chain intact", 0),
    ("used car engines", "unknown", "documents missing", 1),
    ("cotton t shirts assorted sizes", "bangladesh", "standard consignment", 0),
    ("lithium batteries loose", "china", "no hazard label", 1),
    ("ceramic floor tiles", "spain", "pallets wrapped", 0),
    ("mixed electronics parts", "unknown", "value declared low", 1),
    ("olive oil in tins", "greece", "repeat shipper", 0),
    ("pharmaceutical powders", "india", "permit number absent", 1),
    ("wooden furniture flat packed", "poland", "fumigation certificate attached", 0),
    ("perfume bottles", "unknown", "brand names misspelled", 1),
]


@dataclass
class EncodedLine:
    ids: list
    segments: list
    flag: int


def build_tokenizer(folder):
    words = sorted({w for row in MANIFEST for part in row[:3] for w in part.split()})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


def make_encoder(tokenizer):
    def encode_one(record):
        *parts, flag = record
        ids, segments = [tokenizer.cls_token_id], [0]
        for seg_no, text in enumerate(parts):
            piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text)) + [tokenizer.sep_token_id]
            ids.extend(piece)
            segments.extend([seg_no] * len(piece))
        return EncodedLine(ids, segments, flag)
    return encode_one


def length_buckets(lines, per_bucket):
    lines = sorted(lines, key=lambda ln: len(ln.ids))
    return [list(range(i, min(i + per_bucket, len(lines)))) for i in range(0, len(lines), per_bucket)], lines


def pad_collate(batch, pad_id):
    width = max(len(ln.ids) for ln in batch)
    out = {"input_ids": [], "token_type_ids": [], "attention_mask": []}
    for ln in batch:
        gap = width - len(ln.ids)
        out["input_ids"].append(ln.ids + [pad_id] * gap)
        out["token_type_ids"].append(ln.segments + [0] * gap)
        out["attention_mask"].append([1] * len(ln.ids) + [0] * gap)
    out = {k: torch.tensor(v) for k, v in out.items()}
    out["labels"] = torch.tensor([ln.flag for ln in batch])
    return out


def main():
    accelerator = Accelerator(cpu=True)
    tokenizer = build_tokenizer(tempfile.mkdtemp(prefix="manifest_"))

    with ThreadPoolExecutor(max_workers=4) as pool:
        encoded = list(pool.map(make_encoder(tokenizer), MANIFEST))
    log.info("encoded %d manifest lines", len(encoded))

    batches, ordered = length_buckets(encoded, per_bucket=3)
    random.shuffle(batches)
    loader = DataLoader(ordered, batch_sampler=batches,
                        collate_fn=lambda b: pad_collate(b, tokenizer.pad_token_id))

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=64, type_vocab_size=len(SEGMENT_FIELDS),
                        num_labels=2)
    model = BertForSequenceClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    model.train()
    for epoch in range(2):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optimizer.step()
            optimizer.zero_grad()
            running += out.loss.item()
        log.info("epoch %d mean loss %.4f", epoch, running / (step + 1))
    log.info("done")


if __name__ == "__main__":
    main()
