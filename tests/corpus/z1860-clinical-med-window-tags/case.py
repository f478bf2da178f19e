"""Medication mention tagging over long discharge summaries.

Discharge notes are far longer than the encoder's context, so each note is cut
into overlapping windows (stride) and the per-token tag scores of every window
are projected back onto the characters of the note through the offset mapping.
Overlapping windows vote; the character-level argmax gives the final spans.
"""
import os
import re
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(7)

TAGS = ["O", "B-MED", "I-MED", "B-DOSE", "I-DOSE"]
WINDOW_LEN = 48
WINDOW_STRIDE = 16

NOTES = [
    "Patient is a 67 year old male admitted with chest pain . He was started on aspirin 81 mg daily "
    "and atorvastatin 40 mg at night . Metoprolol 25 mg twice daily was continued . On day two the "
    "patient developed mild hypotension and metoprolol was held . Heparin drip was discontinued after "
    "the cardiac enzymes trended down . He was discharged home on aspirin clopidogrel and atorvastatin "
    "with follow up in cardiology clinic in two weeks . Nitroglycerin as needed for chest pain was "
    "prescribed and the patient was instructed to call if pain persists beyond ten minutes .",
    "Patient is a 54 year old female with a history of type two diabetes admitted for cellulitis of the "
    "left leg . She received vancomycin 1 g every twelve hours and was transitioned to oral cephalexin "
    "500 mg four times daily . Metformin was held during admission and insulin glargine 10 units at "
    "night was started . Blood glucose remained stable . She was discharged on cephalexin to complete "
    "a ten day course and metformin was resumed at 1000 mg twice daily with primary care follow up .",
]


def build_tokenizer(texts, workdir):
    words = sorted({w for t in texts for w in re.findall(r"[a-z]+|\d+|[^\sa-z\d]", t.lower())})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(vocab_path)


def window_notes(tokenizer, notes):
    enc = tokenizer(
        notes,
        max_length=WINDOW_LEN,
        stride=WINDOW_STRIDE,
        truncation=True,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    note_of_window = enc["overflow_to_sample_mapping"]
    window_offsets = enc["offset_mapping"]
    model_inputs = tokenizer.pad(
        {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]},
        return_tensors="pt",
    )
    return model_inputs, window_offsets, note_of_window


def project_to_chars(note_text, offsets_per_window, scores_per_window):
    char_votes = torch.zeros(len(note_text), len(TAGS))
    char_hits = torch.zeros(len(note_text), 1)
    for w in range(scores_per_window.size(0)):
        offs = torch.tensor(offsets_per_window[w])
        probs = scores_per_window[w].softmax(-1)
        for pos in range(scores_per_window.size(1)):
            start, end = offs[pos].tolist()
            if end <= start:
                continue
            char_votes[start:end] += probs[pos]
            char_hits[start:end] += 1
    return char_votes / char_hits.clamp(min=1)


def decode_spans(note_text, char_probs):
    labels = char_probs.argmax(-1).tolist()
    spans, cur = [], None
    for i, lab in enumerate(labels):
        tag = TAGS[lab]
        if tag.startswith("B-") or (tag.startswith("I-") and cur is None):
            if cur:
                spans.append(cur)
            cur = [tag[2:], i, i + 1]
        elif tag.startswith("I-") and cur and cur[0] == tag[2:]:
            cur[2] = i + 1
        else:
            if cur:
                spans.append(cur)
            cur = None
    if cur:
        spans.append(cur)
    return [(kind, note_text[s:e]) for kind, s, e in spans if note_text[s:e].strip()]


def main():
    workdir = tempfile.mkdtemp(prefix="medtag_")
    tokenizer = build_tokenizer(NOTES, workdir)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(TAGS),
    )
    tagger = BertForTokenClassification(config).eval()

    model_inputs, window_offsets, note_of_window = window_notes(tokenizer, NOTES)
    print(f"{len(NOTES)} notes -> {model_inputs['input_ids'].shape[0]} windows "
          f"(padded to {model_inputs['input_ids'].shape[1]} tokens)")

    with torch.no_grad():
        tag_scores = tagger(**model_inputs).logits

    for note_idx, note_text in enumerate(NOTES):
        rows = [w for w, n in enumerate(note_of_window) if n == note_idx]
        note_offsets = [window_offsets[w] for w in rows]
        char_probs = project_to_chars(note_text, note_offsets, tag_scores[rows])
        spans = decode_spans(note_text, char_probs)
        print(f"note {note_idx}: {len(rows)} windows, {len(spans)} predicted spans")
        for kind, text in spans[:5]:
            print(f"   {kind:5s} {text!r}")


if __name__ == "__main__":
    main()
