"""Fine-tune a tiny BERT to flag 30-day readmission risk from long discharge summaries.

Summaries are far longer than the encoder window, so each one is split into
overlapping windows (stride) and the window logits are averaged back per note
at evaluation time.
"""
import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(7)
torch.manual_seed(7)

WINDOW = 48
STRIDE = 12
NOTE_BATCH = 3

CLINICAL_TERMS = (
    "patient admitted with acute decompensated heart failure dyspnea edema "
    "furosemide diuresis creatinine rising potassium low telemetry stable "
    "discharged home follow up cardiology clinic weight daily sodium restriction "
    "history of diabetes hypertension copd smoker lives alone poor adherence "
    "metoprolol lisinopril insulin glargine echo ejection fraction reduced"
).split()


def write_vocab(folder):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "clinical_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(CLINICAL_TERMS))) + "\n")
    return path


def synth_summary(n_words):
    return " ".join(random.choice(CLINICAL_TERMS) for _ in range(n_words))


def build_cohort(n_notes):
    notes, readmitted = [], []
    for _ in range(n_notes):
        notes.append(synth_summary(random.randint(60, 170)))
        readmitted.append(random.randint(0, 1))
    return notes, readmitted


class ReadmissionWindows:
    def __init__(self, tokenizer, window, stride):
        self.tokenizer = tokenizer
        self.window = window
        self.stride = stride

    def encode(self, notes):
        return self.tokenizer(
            notes,
            max_length=self.window,
            stride=self.stride,
            truncation=True,
            padding="max_length",
            return_overflowing_tokens=True,
            return_tensors="pt",
        )


def note_batches(notes, flags, size):
    for start in range(0, len(notes), size):
        yield notes[start:start + size], torch.tensor(flags[start:start + size])


def aggregate_per_note(window_logits, owner, n_notes):
    probs = window_logits.softmax(-1)
    summed = torch.zeros(n_notes, probs.size(-1)).index_add_(0, owner, probs)
    counts = torch.bincount(owner, minlength=n_notes).clamp(min=1).unsqueeze(-1)
    return summed / counts


def main():
    workdir = tempfile.mkdtemp(prefix="readmit_")
    tokenizer = BertTokenizer(write_vocab(workdir))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=2,
    )
    model = BertForSequenceClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    windower = ReadmissionWindows(tokenizer, WINDOW, STRIDE)

    train_notes, train_flags = build_cohort(9)
    dev_notes, dev_flags = build_cohort(4)

    model.train()
    for epoch in range(2):
        for notes, readmit_labels in note_batches(train_notes, train_flags, NOTE_BATCH):
            enc = windower.encode(notes)
            owner = enc.pop("overflow_to_sample_mapping")
            out = model(**enc, labels=readmit_labels)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            print(f"epoch {epoch} notes={len(notes)} windows={len(owner)} loss={out.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        enc = windower.encode(dev_notes)
        owner = enc.pop("overflow_to_sample_mapping")
        logits = model(**enc).logits
        note_probs = aggregate_per_note(logits, owner, len(dev_notes))
    for i, (p, y) in enumerate(zip(note_probs[:, 1].tolist(), dev_flags)):
        print(f"dev note {i}: p(readmit)={p:.3f} gold={y}")


if __name__ == "__main__":
    main()
