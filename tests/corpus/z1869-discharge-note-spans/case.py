"""Extract medication details from hospital discharge summaries.

A small BERT encoder with a hand-written start/end head is trained on
question / discharge-note pairs.  Notes are longer than MAX_TOKENS, so the
tokenizer splits them into overlapping chunks with NOTE_STRIDE tokens of overlap.
"""
import os
import re
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

MAX_TOKENS = 64
NOTE_STRIDE = 16

HISTORY = (
    "Patient is a 67 year old male admitted with chest pain and shortness of breath . "
    "Troponin was mildly elevated on admission and trended down over 48 hours . "
    "Echocardiogram showed preserved ejection fraction without wall motion abnormality . "
    "He remained hemodynamically stable and was ambulating independently before discharge . "
)

RECORDS = [
    ("what dose of metoprolol was prescribed ?", "25 mg twice daily",
     HISTORY + "Discharge medications include metoprolol 25 mg twice daily and aspirin 81 mg daily . " + HISTORY),
    ("when is the cardiology follow up ?", "in two weeks",
     HISTORY * 2 + "Follow up with cardiology clinic in two weeks for repeat lipid panel . "),
    ("which allergy was documented ?", "penicillin",
     "Allergies : penicillin causes hives . " + HISTORY),
    ("what was the discharge diagnosis ?", "unstable angina",
     HISTORY + "Final discharge diagnosis was unstable angina managed medically . " + HISTORY),
]


class SpanReader(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.span_head = nn.Linear(cfg.hidden_size, 2)

    def forward(self, input_ids, attention_mask, token_type_ids):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state
        start_logits, end_logits = self.span_head(hidden).unbind(dim=-1)
        return start_logits, end_logits


def make_tokenizer(folder):
    vocab = set()
    for question, _, note in RECORDS:
        vocab.update(re.findall(r"\w+|[^\w\s]", (question + " " + note).lower()))
    path = os.path.join(folder, "clinical_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(vocab)) + "\n")
    return BertTokenizer(path)


def encode_records(tok, records):
    questions = [r[0] for r in records]
    notes = [r[2] for r in records]
    enc = tok(questions, notes, truncation="only_second", max_length=MAX_TOKENS,
              stride=NOTE_STRIDE, return_overflowing_tokens=True,
              return_offsets_mapping=True, padding="max_length")

    start_labels, end_labels = [], []
    for i, (question, answer, note) in enumerate(records):
        ans_begin = note.index(answer)
        ans_stop = ans_begin + len(answer)
        offsets = enc["offset_mapping"][i]
        seq_ids = enc.sequence_ids(i)
        note_tokens = [k for k, s in enumerate(seq_ids) if s == 1]
        first, last = note_tokens[0], note_tokens[-1]
        if offsets[first][0] > ans_begin or offsets[last][1] < ans_stop:
            start_labels.append(0)
            end_labels.append(0)
            continue
        s_tok = first
        while s_tok <= last and offsets[s_tok][0] <= ans_begin:
            s_tok += 1
        e_tok = last
        while e_tok >= first and offsets[e_tok][1] >= ans_stop:
            e_tok -= 1
        start_labels.append(s_tok - 1)
        end_labels.append(e_tok + 1)

    batch = {
        "input_ids": torch.tensor(enc["input_ids"]),
        "attention_mask": torch.tensor(enc["attention_mask"]),
        "token_type_ids": torch.tensor(enc["token_type_ids"]),
    }
    return batch, torch.tensor(start_labels), torch.tensor(end_labels)


def main():
    tmp = tempfile.mkdtemp(prefix="discharge_qa_")
    tok = make_tokenizer(tmp)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=MAX_TOKENS)
    reader = SpanReader(cfg)
    opt = torch.optim.Adam(reader.parameters(), lr=5e-4)

    batch, gold_start, gold_end = encode_records(tok, RECORDS)
    print("chunks:", batch["input_ids"].shape, "labels:", gold_start.shape)

    for step in range(4):
        start_logits, end_logits = reader(**batch)
        loss = (F.cross_entropy(start_logits, gold_start) +
                F.cross_entropy(end_logits, gold_end)) / 2
        loss.backward()
        opt.step()
        opt.zero_grad()
        print(f"step {step}: loss={loss.item():.4f}")

    with torch.no_grad():
        start_logits, end_logits = reader(**batch)
    best = (start_logits.argmax(-1), end_logits.argmax(-1))
    print("predicted start/end per chunk:", best[0].tolist(), best[1].tolist())


if __name__ == "__main__":
    main()
