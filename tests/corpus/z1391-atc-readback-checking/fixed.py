# ATC transcript models: shared BERT encoder, several heads.
#   readback     - controller instruction + pilot readback -> correct / wrong_value / missing_item
#   loop_closure - instruction + readback + controller reply -> closed / hearback_missed
#   phase        - single utterance -> flight phase
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

VOCAB = ("climb descend maintain flight level heading turn left right contact tower approach "
         "ground cleared land takeoff runway squawk one two three four five six seven eight nine "
         "zero niner roger wilco negative correction say again readback correct affirm speedair "
         "alpha bravo taxi via hold short line up wait").split()

TASK_SPECS = {
    "readback": {"labels": ["correct", "wrong_value", "missing_item"], "segments": 2},
    "loop_closure": {"labels": ["closed", "hearback_missed"], "segments": 3},
    "phase": {"labels": ["ground", "departure", "enroute", "approach"], "segments": 1},
}
PRIMARY_TASK = "readback"

SAMPLES = [
    ("readback", ["climb flight level three four zero", "climb flight level three four zero speedair one"], "correct"),
    ("readback", ["turn left heading two seven zero", "left heading two niner zero speedair one"], "wrong_value"),
    ("readback", ["descend flight level one two zero contact approach", "descend one two zero"], "missing_item"),
    ("readback", ["squawk four five two one", "squawk four five two one alpha"], "correct"),
    ("loop_closure", ["hold short runway two seven", "hold short runway two niner", "negative hold short two seven"], "closed"),
    ("loop_closure", ["taxi via alpha bravo", "taxi via alpha", "roger"], "hearback_missed"),
    ("loop_closure", ["cleared land runway three", "cleared land runway three", "roger"], "closed"),
    ("phase", ["taxi via bravo hold short runway two seven"], "ground"),
    ("phase", ["cleared takeoff runway three four"], "departure"),
    ("phase", ["maintain flight level three five zero"], "enroute"),
    ("phase", ["contact tower one one eight"], "approach"),
]


def make_tokenizer():
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + VOCAB) + "\n")
    return BertTokenizer(path)


def encode_segments(tok, segments, max_len=48):
    ids, types = [tok.cls_token_id], [0]
    for seg_no, text in enumerate(segments):
        piece = tok.convert_tokens_to_ids(tok.tokenize(text)) + [tok.sep_token_id]
        ids += piece
        types += [seg_no] * len(piece)
    return ids[:max_len], types[:max_len]


def collate(tok, rows, task):
    enc = [encode_segments(tok, segs) for segs, _ in rows]
    width = max(len(i) for i, _ in enc)
    batch = {"input_ids": [], "token_type_ids": [], "attention_mask": []}
    for ids, types in enc:
        pad = width - len(ids)
        batch["input_ids"].append(ids + [tok.pad_token_id] * pad)
        batch["token_type_ids"].append(types + [0] * pad)
        batch["attention_mask"].append([1] * len(ids) + [0] * pad)
    batch = {k: torch.tensor(v) for k, v in batch.items()}
    target = torch.tensor([TASK_SPECS[task]["labels"].index(lab) for _, lab in rows])
    return task, batch, target


def task_batches(tok, bs=2):
    pools = {}
    for task, segs, lab in SAMPLES:
        pools.setdefault(task, []).append((segs, lab))
    jobs = [(t, rows[i:i + bs]) for t, rows in pools.items() for i in range(0, len(rows), bs)]
    random.shuffle(jobs)
    for task, rows in jobs:
        yield collate(tok, rows, task)


class ATCMultiHead(nn.Module):
    def __init__(self, encoder, specs):
        super().__init__()
        self.encoder = encoder
        h = encoder.config.hidden_size
        self.heads = nn.ModuleDict({
            name: nn.Sequential(nn.Dropout(0.1), nn.Linear(h, len(s["labels"])))
            for name, s in specs.items()
        })

    def forward(self, task, **enc):
        pooled = self.encoder(**enc).pooler_output
        return self.heads[task](pooled)


tok = make_tokenizer()
enc_cfg = BertConfig(
    vocab_size=len(tok),
    hidden_size=32,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=64,
    max_position_embeddings=64,
    type_vocab_size=max(s["segments"] for s in TASK_SPECS.values()),
)
model = ATCMultiHead(BertModel(enc_cfg), TASK_SPECS)
loss_fn = nn.CrossEntropyLoss()
opt = torch.optim.AdamW(model.parameters(), lr=2e-4, weight_decay=0.01)

for epoch in range(2):
    seen = {t: 0 for t in TASK_SPECS}
    for step, (task, batch, target) in enumerate(task_batches(tok)):
        logits = model(task, **batch)
        loss = loss_fn(logits, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        seen[task] += target.numel()
        if step % 2 == 0:
            print(f"ep{epoch} step{step} [{task}] loss={loss.item():.4f}")
    print(f"epoch {epoch} examples per task: {seen}")
