"""Flag prescriptions that need a pharmacist call-back.

Each record has three fields (current meds, new prescription, intake note); every field gets its
own segment id so the encoder can tell them apart.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(3)

DATA = {
    "fields": ["current_meds", "new_rx", "intake_note"],
    "max_len": 48,
    "batch_size": 2,
    "epochs": 2,
}

ARCH = [
    {"type": "bert", "dim": 32, "layers": 1, "heads": 2, "segments": len(DATA["fields"])},
    {"type": "pool", "mode": "cls"},
    {"type": "linear", "out": 2},
]

RECORDS = [
    {"current_meds": "warfarin 5 mg daily", "new_rx": "ibuprofen 400 mg",
     "intake_note": "knee pain after fall", "callback": 1},
    {"current_meds": "metformin 500 mg", "new_rx": "amoxicillin 500 mg",
     "intake_note": "sore throat fever", "callback": 0},
    {"current_meds": "simvastatin 40 mg", "new_rx": "clarithromycin 500 mg",
     "intake_note": "chest infection", "callback": 1},
    {"current_meds": "lisinopril 10 mg", "new_rx": "paracetamol 1 g",
     "intake_note": "headache", "callback": 0},
]

WORDS = sorted({w for r in RECORDS for f in DATA["fields"] for w in r[f].split()})


def write_vocab(words):
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class ClsPool(nn.Module):
    def forward(self, hidden):
        return hidden[:, 0]


def build_model(arch, vocab_size, width=64):
    mods = nn.ModuleList()
    for spec in arch:
        if spec["type"] == "bert":
            width = spec.get("dim", width)
            cfg = BertConfig(
                vocab_size=vocab_size,
                hidden_size=width,
                num_hidden_layers=spec.get("layers", 2),
                num_attention_heads=spec.get("heads", 2),
                intermediate_size=width * 2,
                max_position_embeddings=spec.get("max_pos", 128),
                type_vocab_size=spec.get("segments", 2),
            )
            mods.append(BertModel(cfg, add_pooling_layer=False))
        elif spec["type"] == "pool":
            mods.append(ClsPool())
        elif spec["type"] == "linear":
            mods.append(nn.Linear(width, spec["out"]))
            width = spec["out"]
    return mods


def encode_record(tok, rec):
    ids, segs = [tok.cls_token_id], [0]
    for seg, field in enumerate(DATA["fields"]):
        piece = tok.convert_tokens_to_ids(tok.tokenize(rec[field])) + [tok.sep_token_id]
        ids += piece
        segs += [seg] * len(piece)
    return ids[: DATA["max_len"]], segs[: DATA["max_len"]]


def to_batch(tok, recs):
    enc = [encode_record(tok, r) for r in recs]
    n = max(len(i) for i, _ in enc)
    out = {"input_ids": [], "token_type_ids": [], "attention_mask": []}
    for ids, segs in enc:
        gap = n - len(ids)
        out["input_ids"].append(ids + [tok.pad_token_id] * gap)
        out["token_type_ids"].append(segs + [0] * gap)
        out["attention_mask"].append([1] * len(ids) + [0] * gap)
    batch = {k: torch.tensor(v) for k, v in out.items()}
    return batch, torch.tensor([r["callback"] for r in recs])


def run(mods, batch):
    encoder, pool, head = mods
    hidden = encoder(**batch).last_hidden_state
    return head(pool(hidden))


tok = BertTokenizer(write_vocab(WORDS))
mods = build_model(ARCH, tok.vocab_size)
print(f"tokenizer vocab {tok.vocab_size}, params {sum(p.numel() for p in mods.parameters())}")
opt = torch.optim.AdamW(mods.parameters(), lr=1e-3)
crit = nn.CrossEntropyLoss()

for ep in range(DATA["epochs"]):
    for i in range(0, len(RECORDS), DATA["batch_size"]):
        batch, target = to_batch(tok, RECORDS[i:i + DATA["batch_size"]])
        loss = crit(run(mods, batch), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"epoch {ep} step {i // DATA['batch_size']} loss {loss.item():.4f}")

with torch.no_grad():
    batch, target = to_batch(tok, RECORDS)
    flags = run(mods, batch).argmax(-1)
print("call-back flags:", flags.tolist(), "expected:", target.tolist())
