"""HS tariff chapter prediction from structured product declarations.

Each declaration has three free-text fields (title / material / intended use);
we pack them into one BERT input, one segment per field, and train with Accelerate.
"""
import csv
import io
import os
import tempfile
from functools import partial
from types import SimpleNamespace

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader
from accelerate import Accelerator
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(13)

cfg = SimpleNamespace(
    fields=("title", "material", "use"),
    vocab_size=None,          # filled in once the vocab file is written
    hidden_size=32,
    type_vocab_size=3,
    max_positions=64,
    batch_size=3,
    lr=3e-4,
    epochs=2,
)

CHAPTERS_CSV = """chapter,description
39,plastics and articles thereof
61,knitted apparel
73,articles of iron or steel
94,furniture and bedding
"""

DECLARATIONS = [
    {"title": "storage box with lid", "material": "polypropylene", "use": "household storage", "chapter": "39"},
    {"title": "cardigan sweater", "material": "knitted wool", "use": "womens clothing", "chapter": "61"},
    {"title": "hex bolt m8", "material": "galvanised steel", "use": "construction fastening", "chapter": "73"},
    {"title": "office chair", "material": "steel frame with foam", "use": "seating", "chapter": "94"},
    {"title": "garden hose reel", "material": "pvc plastic", "use": "watering", "chapter": "39"},
    {"title": "baby romper", "material": "knitted cotton", "use": "infant clothing", "chapter": "61"},
    {"title": "wire shelving bracket", "material": "steel", "use": "wall mounting", "chapter": "73"},
    {"title": "mattress topper", "material": "memory foam", "use": "bedding", "chapter": "94"},
    {"title": "food container", "material": "polypropylene plastic", "use": "kitchen storage", "chapter": "39"},
]


def read_chapters(text):
    """Return the ordered list of HS chapters from the CSV export."""
    return [row["chapter"] for row in csv.DictReader(io.StringIO(text))]


def make_tokenizer(records):
    """Write a word-level vocab covering every field and load a BertTokenizer on it."""
    words = sorted({w for r in records for f in cfg.fields for w in r[f].split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizer(path)


def encode_declaration(record, tok):
    """[CLS] title [SEP] material [SEP] use [SEP], one segment id per field."""
    ids, segment_ids = [tok.cls_token_id], [0]
    for seg, field in enumerate(cfg.fields):
        piece = tok.convert_tokens_to_ids(tok.tokenize(record[field])) + [tok.sep_token_id]
        ids += piece
        segment_ids += [seg] * len(piece)
    return torch.tensor(ids), torch.tensor(segment_ids)


def collate(batch, pad_id):
    """Pad a list of (ids, segments, target) triples into a dict batch."""
    ids, segs, ys = zip(*batch)
    input_ids = pad_sequence(ids, batch_first=True, padding_value=pad_id)
    return {
        "input_ids": input_ids,
        "token_type_ids": pad_sequence(segs, batch_first=True, padding_value=0),
        "attention_mask": (input_ids != pad_id).long(),
        "labels": torch.tensor(ys),
    }


def train_one_epoch(model, loader, optim, accelerator):
    """Standard loop; returns mean loss."""
    model.train()
    total = 0.0
    for batch in loader:
        out = model(**batch)
        accelerator.backward(out.loss)
        optim.step()
        optim.zero_grad()
        total += out.loss.item()
    return total / len(loader)


chapters = read_chapters(CHAPTERS_CSV)
chapter_index = {c: i for i, c in enumerate(chapters)}
tok = make_tokenizer(DECLARATIONS)
cfg.vocab_size = len(tok)

examples = [(*encode_declaration(r, tok), chapter_index[r["chapter"]]) for r in DECLARATIONS]
loader = DataLoader(examples, batch_size=cfg.batch_size, shuffle=True,
                    collate_fn=partial(collate, pad_id=tok.pad_token_id))

bert_cfg = BertConfig(vocab_size=cfg.vocab_size, hidden_size=cfg.hidden_size, num_hidden_layers=1,
                      num_attention_heads=2, intermediate_size=64, type_vocab_size=cfg.type_vocab_size,
                      max_position_embeddings=cfg.max_positions, num_labels=len(chapters))
model = BertForSequenceClassification(bert_cfg)
optim = torch.optim.AdamW(model.parameters(), lr=cfg.lr)

accelerator = Accelerator(cpu=True)
model, optim, loader = accelerator.prepare(model, optim, loader)

history = []
for epoch in range(cfg.epochs):
    loss = train_one_epoch(model, loader, optim, accelerator)
    history.append((epoch, loss))
    accelerator.print(f"epoch {epoch} done")

print(f"{'epoch':>5} | {'loss':>8}")
print("-" * 16)
for epoch, loss in history:
    print(f"{epoch:>5} | {loss:>8.4f}")
