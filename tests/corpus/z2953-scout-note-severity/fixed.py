"""Grade agronomist scouting notes by pest/disease severity.

Field scouts file a free-text note per block plus a severity rating on the
co-op's 1-5 scale. A tiny BERT is fitted on the notes so the triage bot can
flag blocks whose notes read as severe before a human grades them.
"""
import configparser
import csv
import io
import os
import random

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

INI = """
[notes]
n_notes = 96
seed = 7
max_len = 24

[bert]
hidden = 32
layers = 1
heads = 2
ffn = 64
num_labels = 5

[fit]
batch = 12
epochs = 1
lr = 5e-4
"""

PESTS = ["aphids", "rust", "blight", "mites", "armyworm", "mildew"]
CROPS = ["wheat", "maize", "soybean", "canola"]
SEVERITY_PHRASES = {
    1: ["trace", "isolated plants", "no action"],
    2: ["light", "scattered patches", "monitor weekly"],
    3: ["moderate", "several rows", "consider spray"],
    4: ["heavy", "most rows", "spray this week"],
    5: ["severe", "whole block", "spray immediately"],
}


def read_ini(text):
    parser = configparser.ConfigParser()
    parser.read_string(text)
    return parser


def synth_notes_csv(n, seed):
    rnd = random.Random(seed)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["block", "crop", "note", "severity"])
    for i in range(n):
        sev = rnd.randint(1, 5)
        crop, pest = rnd.choice(CROPS), rnd.choice(PESTS)
        amount, spread, action = SEVERITY_PHRASES[sev]
        note = f"{amount} {pest} on {crop} , {spread} , {action}"
        w.writerow([f"B{i:03d}", crop, note, sev])
    return buf.getvalue()


def clean_lower(s):
    return s.lower().strip()


def squash_spaces(s):
    return " ".join(s.split())


TEXT_TRANSFORMS = {"lower": clean_lower, "squash": squash_spaces}


def parse_notes(raw, steps):
    rows = list(csv.DictReader(io.StringIO(raw)))
    out = []
    for row in rows:
        text = row["note"]
        for step in steps:
            text = TEXT_TRANSFORMS[step](text)
        out.append({"block": row["block"], "text": text, "severity": int(row["severity"]) - 1})
    return out


def write_vocab(records, folder):
    words = sorted({w for r in records for w in r["text"].split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "scout_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def make_model(cfg, vocab_size):
    bcfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg.getint("bert", "hidden"),
        num_hidden_layers=cfg.getint("bert", "layers"),
        num_attention_heads=cfg.getint("bert", "heads"),
        intermediate_size=cfg.getint("bert", "ffn"),
        max_position_embeddings=64,
        num_labels=cfg.getint("bert", "num_labels"),
    )
    return BertForSequenceClassification(bcfg)


def batches(records, tok, size, max_len):
    for start in range(0, len(records), size):
        chunk = records[start:start + size]
        enc = tok([r["text"] for r in chunk], padding="max_length", truncation=True,
                  max_length=max_len, return_tensors="pt")
        enc["labels"] = torch.tensor([r["severity"] for r in chunk], dtype=torch.long)
        yield enc


def cmd_fit(cfg, records, vocab_path):
    tok = BertTokenizer(vocab_path)
    model = make_model(cfg, tok.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.getfloat("fit", "lr"))
    model.train()
    for epoch in range(cfg.getint("fit", "epochs")):
        losses = []
        for enc in batches(records, tok, cfg.getint("fit", "batch"), cfg.getint("notes", "max_len")):
            out = model(**enc)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            losses.append(out.loss.item())
        print(f"epoch {epoch}: mean loss {sum(losses) / len(losses):.3f}")
    return model


def main():
    torch.manual_seed(3)
    cfg = read_ini(INI)
    raw = synth_notes_csv(cfg.getint("notes", "n_notes"), cfg.getint("notes", "seed"))
    records = parse_notes(raw, ["lower", "squash"])
    here = os.path.dirname(os.path.abspath(__file__))
    vocab_path = write_vocab(records, here)
    print(f"{len(records)} notes, e.g. {records[0]['text']!r}")
    cmd_fit(cfg, records, vocab_path)


if __name__ == "__main__":
    main()
