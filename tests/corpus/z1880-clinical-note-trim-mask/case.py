import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
random.seed(0)

MAX_NOTE_LEN = 48
TRIAGE_LEVELS = ["routine", "urgent", "emergent"]
SEQ_KEYS = ("note_ids", "segment_ids", "neg_tags")

WORDS = ("patient denies chest pain reports mild fever no cough shortness of breath "
         "history diabetes hypertension presents with acute abdominal tenderness "
         "without nausea vomiting stable vitals afebrile headache dizziness rash").split()
NEGATORS = {"denies", "no", "without"}

triage_notes = [
    (" ".join(random.choices(WORDS, k=random.randint(5, 14))), random.randrange(3))
    for _ in range(40)
]
negation_notes = [" ".join(random.choices(WORDS, k=random.randint(4, 18))) for _ in range(24)]


def negation_tags(words):
    tags, in_scope = [], 0
    for w in words:
        if w in NEGATORS:
            in_scope = 3
            tags.append(0)
        else:
            tags.append(1 if in_scope > 0 else 0)
            in_scope = max(in_scope - 1, 0)
    return tags


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "clinical_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(set(WORDS))))
    return BertTokenizer(vocab_path)


def encode_notes(tok, notes):
    enc = tok(notes, padding="max_length", max_length=MAX_NOTE_LEN, truncation=True, return_tensors="pt")
    return {"note_ids": enc["input_ids"], "segment_ids": enc["token_type_ids"], "note_mask": enc["attention_mask"]}


def shrink_padding(batch):
    longest = int(batch["note_mask"].sum(dim=1).max())
    for key in SEQ_KEYS:
        if key in batch:
            batch[key] = batch[key][:, :longest]
    return batch


def make_batch(tok, task, rows):
    if task == "triage":
        batch = encode_notes(tok, [r[0] for r in rows])
        batch["labels"] = torch.tensor([r[1] for r in rows])
    else:
        batch = encode_notes(tok, rows)
        tags = torch.full((len(rows), MAX_NOTE_LEN), -100, dtype=torch.long)
        for i, note in enumerate(rows):
            t = negation_tags(note.split())[: MAX_NOTE_LEN - 2]
            tags[i, 1 : 1 + len(t)] = torch.tensor(t)
        batch["neg_tags"] = tags
    return shrink_padding(batch)


class ClinicalMultiTask(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.heads = nn.ModuleDict({
            "triage": nn.Linear(32, len(TRIAGE_LEVELS)),
            "negation": nn.Linear(32, 2),
        })

    def forward(self, task, batch):
        out = self.encoder(input_ids=batch["note_ids"], token_type_ids=batch["segment_ids"],
                           attention_mask=batch["note_mask"])
        states = out.last_hidden_state
        if task == "triage":
            return self.heads["triage"](states[:, 0])
        return self.heads["negation"](states)


def main():
    workdir = tempfile.mkdtemp()
    tok = build_tokenizer(workdir)
    model = ClinicalMultiTask(len(tok))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    ce = nn.CrossEntropyLoss(ignore_index=-100)
    task_weight = {"triage": 1.0, "negation": 0.5}
    pools = {"triage": triage_notes, "negation": negation_notes}
    sizes = {k: len(v) for k, v in pools.items()}
    total = sum(sizes.values())
    batch_size = 8

    model.train()
    for step in range(12):
        losses = {}
        for task, rows in pools.items():
            k = max(2, round(batch_size * sizes[task] / total))
            batch = make_batch(tok, task, random.sample(rows, k))
            logits = model(task, batch)
            if task == "triage":
                losses[task] = ce(logits, batch["labels"])
            else:
                losses[task] = ce(logits.reshape(-1, 2), batch["neg_tags"].reshape(-1))
        loss = sum(task_weight[t] * l for t, l in losses.items())
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 4 == 0:
            print(f"step {step} " + " ".join(f"{t}={l.item():.3f}" for t, l in losses.items()))
    print("done")


if __name__ == "__main__":
    main()
