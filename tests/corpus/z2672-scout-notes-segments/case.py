"""Scouting-report triage: classify field scouting notes (plus sensor and weather
summaries) into action classes with a tiny BERT trained from scratch."""
import os
import random
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "agro_vocab.txt")

LABELS = ["no_action", "scout_again", "spray_fungicide", "apply_nitrogen"]
SOURCES = ["scout", "sensor", "weather"]

WORDS = {
    "scout": "leaf rust lesions yellowing lower canopy aphids patchy stand lodging "
             "tassel silk pustules chlorosis wilting rows headland edge".split(),
    "sensor": "ndvi ndre low high moisture dry wet canopy temp stress index "
              "drop rise zone grid cell".split(),
    "weather": "rain humid warm cool dew night wind gust forecast heavy light "
               "dry spell frost".split(),
}


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted({w for ws in WORDS.values() for w in ws})
    digits = [str(d) for d in range(10)] + ["."]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words + digits) + "\n")


@dataclass
class FieldReport:
    field_id: str
    texts: dict = field(default_factory=dict)
    label: int = 0


def synth_reports(n):
    reports = []
    for i in range(n):
        texts = {
            src: " ".join(random.choices(WORDS[src], k=random.randint(4, 12)))
            for src in SOURCES
        }
        texts["sensor"] += f" {random.random():.2f}"
        reports.append(FieldReport(f"F{i:03d}", texts, random.randrange(len(LABELS))))
    return reports


def encode_report(tok, report, max_len=96):
    ids, seg = [tok.cls_token_id], [0]
    for seg_idx, src in enumerate(SOURCES):
        piece = tok.encode(report.texts[src], add_special_tokens=False)
        piece = piece + [tok.sep_token_id]
        ids += piece
        seg += [seg_idx] * len(piece)
    return ids[:max_len], seg[:max_len]


def collate(tok, reports):
    enc = [encode_report(tok, r) for r in reports]
    width = max(len(ids) for ids, _ in enc)
    pad = lambda xs, v: xs + [v] * (width - len(xs))
    return {
        "input_ids": torch.tensor([pad(ids, tok.pad_token_id) for ids, _ in enc]),
        "token_type_ids": torch.tensor([pad(seg, 0) for _, seg in enc]),
        "attention_mask": torch.tensor([pad([1] * len(ids), 0) for ids, _ in enc]),
        "labels": torch.tensor([r.label for r in reports]),
    }


class ReportClassifier(nn.Module):
    def __init__(self, config, n_labels):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(config.hidden_size, n_labels))

    def forward(self, input_ids, token_type_ids, attention_mask):
        h = self.encoder(input_ids=input_ids, token_type_ids=token_type_ids,
                         attention_mask=attention_mask).last_hidden_state
        return self.head(h[:, 0])


def build_bert(vocab_size, hidden, layers, heads, type_vocab_size, n_labels):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=layers,
                     num_attention_heads=heads, intermediate_size=hidden * 2,
                     max_position_embeddings=128, type_vocab_size=type_vocab_size)
    return ReportClassifier(cfg, n_labels)


MODEL_REGISTRY = {
    "bert-tiny-scout": partial(build_bert, hidden=32, layers=1, heads=2, type_vocab_size=2),
    "bert-small-scout": partial(build_bert, hidden=64, layers=2, heads=4, type_vocab_size=2),
}


def batches(items, bs, shuffle=True):
    order = list(range(len(items)))
    if shuffle:
        random.shuffle(order)
    for i in range(0, len(order), bs):
        yield [items[j] for j in order[i:i + bs]]


def train_step(model, opt, loss_fn, batch):
    model.train()
    logits = model(batch["input_ids"], batch["token_type_ids"], batch["attention_mask"])
    loss = loss_fn(logits, batch["labels"])
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss.item()


@torch.no_grad()
def evaluate(model, loader):
    model.eval()
    hits = total = 0
    for batch in loader:
        pred = model(batch["input_ids"], batch["token_type_ids"], batch["attention_mask"]).argmax(-1)
        hits += (pred == batch["labels"]).sum().item()
        total += len(batch["labels"])
    return hits / max(total, 1)


def main(arch="bert-tiny-scout", epochs=2, bs=8):
    write_vocab(VOCAB_PATH)
    tok = BertTokenizer(VOCAB_PATH, do_lower_case=True)
    reports = synth_reports(64)
    train, val = reports[:48], reports[48:]

    model = MODEL_REGISTRY[arch](vocab_size=len(tok), n_labels=len(LABELS))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)
    loss_fn = nn.CrossEntropyLoss()
    to_batch = partial(collate, tok)

    for ep in range(epochs):
        losses = [train_step(model, opt, loss_fn, to_batch(b)) for b in batches(train, bs)]
        acc = evaluate(model, map(to_batch, batches(val, bs, shuffle=False)))
        print(f"epoch {ep} loss={np.mean(losses):.3f} val_acc={acc:.3f}")


if __name__ == "__main__":
    main()
