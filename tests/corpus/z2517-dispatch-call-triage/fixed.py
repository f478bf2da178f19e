# Priority triage for 911 / 112 call-taker notes.
# Notes are de-identified upstream: street addresses, callback numbers and
# caller names are swapped for placeholder tags before they reach us.
import os
import re
import random

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEED = 1234
HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "dispatch_vocab.txt")

PRIORITIES = ["P1_life_threat", "P2_urgent", "P3_non_urgent", "P4_info"]
PII_TAGS = ["[ADDR]", "[PHONE]", "[CALLER]", "[PLATE]"]

TEMPLATES = {
    "P1_life_threat": [
        "caller {pii} reports male not breathing at {addr} cpr in progress",
        "structure fire with people trapped at {addr} smoke showing",
        "unconscious female at {addr} callback {phone} possible overdose",
        "water rescue car swept off road near {addr} occupants on roof",
    ],
    "P2_urgent": [
        "vehicle collision at {addr} injuries reported plate {plate}",
        "elderly fall at {addr} conscious and breathing hip pain",
        "gas smell reported at {addr} callback {phone}",
        "flooding entering house at {addr} caller {pii} needs evacuation",
    ],
    "P3_non_urgent": [
        "tree down blocking road near {addr} no injuries",
        "minor flooding in basement at {addr} caller {pii}",
        "abandoned vehicle plate {plate} at {addr}",
        "power line sparking at {addr} no fire",
    ],
    "P4_info": [
        "caller {pii} asking about shelter locations callback {phone}",
        "request information on sandbag pickup near {addr}",
        "caller asking if evacuation order lifted for {addr}",
        "welfare check follow up callback {phone}",
    ],
}

BASE_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

CFG = {
    "hidden_size": 32,
    "num_hidden_layers": 1,
    "num_attention_heads": 2,
    "intermediate_size": 64,
    "max_position_embeddings": 64,
    "max_len": 32,
    "batch_size": 8,
    "epochs": 2,
    "lr": 5e-4,
}


def set_seed(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def synth_notes(n_per_class=24):
    rows = []
    for label, temps in TEMPLATES.items():
        for _ in range(n_per_class):
            t = random.choice(temps)
            text = t.format(pii="[CALLER]", addr="[ADDR]", phone="[PHONE]", plate="[PLATE]")
            if random.random() < 0.3:
                text += " " + random.choice(["please hurry", "units requested", "caller hung up"])
            rows.append((text, PRIORITIES.index(label)))
    random.shuffle(rows)
    return rows


def build_word_vocab(notes):
    words = set()
    for text, _ in notes:
        stripped = text
        for tag in PII_TAGS:
            stripped = stripped.replace(tag, " ")
        words.update(re.findall(r"[a-z0-9]+", stripped.lower()))
    return BASE_TOKENS + sorted(words)


def write_vocab(tokens, path):
    with open(path, "w") as f:
        f.write("\n".join(tokens) + "\n")


def load_tokenizer(path):
    tok = BertTokenizer(path, do_lower_case=True)
    tok.add_tokens(PII_TAGS, special_tokens=True)
    return tok


def encode(tokenizer, notes, max_len):
    enc = tokenizer(
        [t for t, _ in notes],
        padding="max_length",
        truncation=True,
        max_length=max_len,
        return_tensors="pt",
    )
    labels = torch.tensor([y for _, y in notes], dtype=torch.long)
    return TensorDataset(enc["input_ids"], enc["attention_mask"], labels)


def make_model(vocab_size, cfg):
    bert_cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=cfg["hidden_size"],
        num_hidden_layers=cfg["num_hidden_layers"],
        num_attention_heads=cfg["num_attention_heads"],
        intermediate_size=cfg["intermediate_size"],
        max_position_embeddings=cfg["max_position_embeddings"],
        num_labels=len(PRIORITIES),
        id2label=dict(enumerate(PRIORITIES)),
        label2id={p: i for i, p in enumerate(PRIORITIES)},
    )
    return BertForSequenceClassification(bert_cfg)


def run_epoch(model, loader, opt):
    model.train()
    total, correct, seen = 0.0, 0, 0
    for input_ids, attn, labels in loader:
        out = model(input_ids=input_ids, attention_mask=attn, labels=labels)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        total += out.loss.item() * labels.size(0)
        correct += (out.logits.argmax(-1) == labels).sum().item()
        seen += labels.size(0)
    return total / seen, correct / seen


def main():
    set_seed(SEED)
    notes = synth_notes()
    vocab = build_word_vocab(notes)
    write_vocab(vocab, VOCAB_PATH)
    tokenizer = load_tokenizer(VOCAB_PATH)
    print(f"{len(notes)} notes, word vocab {len(vocab)}")
    print("example:", tokenizer.tokenize(notes[0][0]))

    ds = encode(tokenizer, notes, CFG["max_len"])
    loader = DataLoader(ds, batch_size=CFG["batch_size"], shuffle=True)
    model = make_model(len(tokenizer), CFG)
    opt = torch.optim.AdamW(model.parameters(), lr=CFG["lr"])

    for epoch in range(CFG["epochs"]):
        loss, acc = run_epoch(model, loader, opt)
        print(f"epoch {epoch} loss {loss:.4f} acc {acc:.3f}")


if __name__ == "__main__":
    main()
