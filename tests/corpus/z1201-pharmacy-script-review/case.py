# Flag prescriptions that need a pharmacist call-back before dispensing.
# Each script has three free-text fields (drug line, directions, intake note) that we feed
# to BERT as separate segments.
import asyncio
import os
import random
import tempfile
from dataclasses import dataclass, field

import torch
from torch.utils.data import DataLoader
from accelerate import Accelerator
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(11)
torch.manual_seed(11)

FIELDS = ("drug", "directions", "note")

SCRIPTS = [
    {"drug": "warfarin 5 mg tablet", "directions": "take one daily", "note": "patient also on aspirin", "flag": 1},
    {"drug": "amoxicillin 500 mg capsule", "directions": "take one three times daily", "note": "no known allergies", "flag": 0},
    {"drug": "methotrexate 10 mg tablet", "directions": "take one daily", "note": "weekly dose expected", "flag": 1},
    {"drug": "metformin 500 mg tablet", "directions": "take one twice daily with food", "note": "renal function normal", "flag": 0},
    {"drug": "oxycodone 10 mg tablet", "directions": "take two every four hours", "note": "early refill requested", "flag": 1},
    {"drug": "lisinopril 10 mg tablet", "directions": "take one daily", "note": "blood pressure stable", "flag": 0},
    {"drug": "simvastatin 40 mg tablet", "directions": "take one at night", "note": "also on clarithromycin", "flag": 1},
    {"drug": "cetirizine 10 mg tablet", "directions": "take one daily as needed", "note": "seasonal allergies", "flag": 0},
]


@dataclass
class Encoded:
    token_ids: list
    segment_ids: list
    flag: int
    length: int = field(init=False)

    def __post_init__(self):
        self.length = len(self.token_ids)


def write_vocab():
    words = sorted({w for s in SCRIPTS for f in FIELDS for w in s[f].split()})
    folder = tempfile.mkdtemp(prefix="rx_vocab_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


async def encode_script(tok, script):
    token_ids = [tok.cls_token_id]
    segment_ids = [0]
    for seg_no, name in enumerate(FIELDS):
        piece = tok.convert_tokens_to_ids(tok.tokenize(script[name])) + [tok.sep_token_id]
        token_ids += piece
        segment_ids += [seg_no] * len(piece)
    await asyncio.sleep(0)
    return Encoded(token_ids, segment_ids, script["flag"])


async def encode_all(tok, scripts):
    return await asyncio.gather(*(encode_script(tok, s) for s in scripts))


def make_batches(encoded, batch_size, pad_id):
    encoded = sorted(encoded, key=lambda e: e.length)
    batches = []
    for start in range(0, len(encoded), batch_size):
        chunk = encoded[start:start + batch_size]
        width = max(e.length for e in chunk)
        ids = torch.full((len(chunk), width), pad_id, dtype=torch.long)
        segs = torch.zeros((len(chunk), width), dtype=torch.long)
        keep = torch.zeros((len(chunk), width), dtype=torch.long)
        for row, e in enumerate(chunk):
            ids[row, :e.length] = torch.tensor(e.token_ids)
            segs[row, :e.length] = torch.tensor(e.segment_ids)
            keep[row, :e.length] = 1
        batches.append({"input_ids": ids, "token_type_ids": segs, "attention_mask": keep,
                        "labels": torch.tensor([e.flag for e in chunk])})
    return batches


def main():
    accelerator = Accelerator(cpu=True)
    tok = BertTokenizer(write_vocab())
    encoded = asyncio.run(encode_all(tok, SCRIPTS))
    accelerator.print(f"encoded {len(encoded)} scripts, longest {max(e.length for e in encoded)} tokens")

    batches = make_batches(encoded, batch_size=4, pad_id=tok.pad_token_id)
    loader = DataLoader(batches, batch_size=None, shuffle=True)

    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=2)
    model = BertForSequenceClassification(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(2):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            accelerator.backward(out.loss)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        accelerator.print(f"epoch {epoch}: mean loss {running / (step + 1):.4f}")

    accelerator.print("review model trained")


if __name__ == "__main__":
    main()
