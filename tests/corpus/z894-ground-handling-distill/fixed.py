"""Distil a ground-handling radio intent classifier into a one-layer student.

Teacher logits are computed once up front (length-bucketed, token-budget batches
so the teacher pass is cheap), then the student is trained with Accelerate on
a mix of the soft teacher targets and the gold intents.
"""
import os
import re
import tempfile

import torch
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

set_seed(3)

INTENTS = ["fuel_request", "pushback_ready", "baggage_issue"]
UTTERANCES = [
    ("stand twelve requesting fuel truck", 0),
    ("need uplift of four tonnes jet a1 at gate b7", 0),
    ("fuel bowser to remote stand thirty please", 0),
    ("can we get the refuelling crew before boarding", 0),
    ("request fuel", 0),
    ("topping up required on stand six wing tanks only", 0),
    ("ready for pushback", 1),
    ("tug connected doors closed ready to push", 1),
    ("ground we are ready for push and start", 1),
    ("pushback approved facing east tell the tug", 1),
    ("headset on brakes set ready for pushback stand nine", 1),
    ("push complete tow bar disconnected", 1),
    ("two bags offloaded passenger no show", 2),
    ("hold door four containers miscounted", 2),
    ("baggage cart missing at stand eleven", 2),
    ("oversize bag needs manual loading", 2),
    ("bag tag unreadable on belt three please check", 2),
    ("loader broken cannot finish rear hold", 2),
]

TEMPERATURE = 2.0
ALPHA = 0.5
TOKEN_BUDGET = 64


def write_vocab(texts):
    words = sorted({w for t in texts for w in re.findall(r"\w+", t.lower())})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def make_model(vocab_size, layers, hidden):
    cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=layers,
                     num_attention_heads=2, intermediate_size=hidden * 2,
                     max_position_embeddings=64, num_labels=len(INTENTS))
    return BertForSequenceClassification(cfg)


def collate(rows, tokenizer):
    enc = tokenizer([r["text"] for r in rows], padding=True, return_tensors="pt")
    enc["labels"] = torch.tensor([r["intent"] for r in rows])
    enc["uid"] = torch.tensor([r["uid"] for r in rows])
    return dict(enc)


def token_budget_batches(records, tokenizer, budget):
    """Sort by length and pack as many utterances as fit in `budget` padded tokens."""
    lengths = {r["uid"]: len(tokenizer.tokenize(r["text"])) + 2 for r in records}
    current, longest = [], 0
    for rec in sorted(records, key=lambda r: lengths[r["uid"]]):
        longest_if_added = max(longest, lengths[rec["uid"]])
        if current and longest_if_added * (len(current) + 1) > budget:
            yield current
            current, longest_if_added = [], lengths[rec["uid"]]
        current.append(rec)
        longest = longest_if_added
    if current:
        yield current


@torch.no_grad()
def precompute_teacher(teacher, records, tokenizer):
    teacher.eval()
    cached = []
    for chunk in token_budget_batches(records, tokenizer, TOKEN_BUDGET):
        batch = collate(chunk, tokenizer)
        logits = teacher(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        cached.append((batch["uid"], logits))
    print(f"teacher: {len(cached)} batches, sizes {[len(u) for u, _ in cached]}")
    return cached


def main():
    accelerator = Accelerator(cpu=True)
    records = [{"uid": i, "text": t, "intent": y} for i, (t, y) in enumerate(UTTERANCES)]
    tokenizer = BertTokenizer(write_vocab([t for t, _ in UTTERANCES]))

    teacher = make_model(tokenizer.vocab_size, layers=2, hidden=48)
    student = make_model(tokenizer.vocab_size, layers=1, hidden=32)
    teacher_batches = precompute_teacher(teacher, records, tokenizer)
    teacher_table = torch.zeros(len(records), len(INTENTS))
    for uids, logits in teacher_batches:
        teacher_table[uids] = logits

    loader = DataLoader(records, batch_size=4, shuffle=True, collate_fn=lambda rows: collate(rows, tokenizer))
    optimizer = torch.optim.AdamW(student.parameters(), lr=3e-4)
    student, optimizer, loader = accelerator.prepare(student, optimizer, loader)

    student.train()
    for epoch in range(2):
        running = 0.0
        for batch in loader:
            t_logits = teacher_table[batch["uid"]]
            out = student(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
            soft_targets = F.softmax(t_logits / TEMPERATURE, dim=-1)
            kd = F.kl_div(F.log_softmax(out.logits / TEMPERATURE, dim=-1), soft_targets,
                          reduction="batchmean") * TEMPERATURE ** 2
            hard = F.cross_entropy(out.logits, batch["labels"])
            loss = ALPHA * kd + (1 - ALPHA) * hard
            accelerator.backward(loss)
            optimizer.step()
            optimizer.zero_grad()
            running += loss.item()
        accelerator.print(f"epoch {epoch}: loss {running:.4f}")

    student.eval()
    probe = collate(records[:3], tokenizer)
    with torch.no_grad():
        pred = student(input_ids=probe["input_ids"], attention_mask=probe["attention_mask"]).logits.argmax(-1)
    accelerator.print("student predictions:", [INTENTS[p] for p in pred.tolist()])


if __name__ == "__main__":
    main()
