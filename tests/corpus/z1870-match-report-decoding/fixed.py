"""Answer questions about football match reports.

Dry run of the evaluation pipeline: reports are windowed with a doc stride,
windows are batched with dynamic padding, and the best start/end pair in the
report part of each window is mapped back to characters via offset_mapping.
"""
import os
import re
import tempfile
from collections import defaultdict

import torch
from transformers import AutoModelForQuestionAnswering, BertConfig, BertTokenizer

torch.manual_seed(11)

WINDOW = 80
OVERLAP = 24
MAX_ANSWER_TOKENS = 12

REPORTS = {
    "derby": "City took the lead after nine minutes when Okafor headed in a corner from the left . "
             "United pressed for an equaliser and hit the post twice before the break . "
             "After the interval United brought on Lindqvist , who levelled with a low drive in the 61st minute . "
             "The decisive goal came from a penalty converted by Okafor in stoppage time , sealing a 2 - 1 win for City . "
             "The referee showed five yellow cards and the attendance was 48211 .",
    "cup_tie": "Rovers were reduced to ten men when Baptiste was sent off for a second booking . "
               "Despite that , Rovers held on for a goalless draw and won 4 - 3 on penalties .",
    "league": "Athletic dominated possession but Harbour scored on the counter through Mensah after 33 minutes . "
              "Athletic replied through a free kick from Duarte and the match finished 1 - 1 .",
}

QUESTIONS = [
    ("derby", "who scored the winning penalty ?"),
    ("derby", "what was the attendance ?"),
    ("cup_tie", "who was sent off ?"),
    ("league", "how did the match finish ?"),
]


def write_vocab(folder):
    words = set()
    for text in list(REPORTS.values()) + [q for _, q in QUESTIONS]:
        words.update(re.findall(r"\w+|[^\w\s]", text.lower()))
    path = os.path.join(folder, "match_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


def window_reports(tok):
    enc = tok(
        [q for _, q in QUESTIONS],
        [REPORTS[key] for key, _ in QUESTIONS],
        truncation="only_second",
        max_length=WINDOW,
        stride=OVERLAP,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    spans = []
    for w in range(len(enc["input_ids"])):
        seq_ids = enc.sequence_ids(w)
        spans.append([off if seq_ids[k] == 1 else None
                      for k, off in enumerate(enc["offset_mapping"][w])])
    return enc, spans


def pad_windows(tok, enc):
    rows = [
        {"input_ids": enc["input_ids"][w],
         "token_type_ids": enc["token_type_ids"][w],
         "attention_mask": enc["attention_mask"][w]}
        for w in range(len(enc["input_ids"]))
    ]
    return tok.pad(rows, padding="longest", return_tensors="pt")


def best_span(start_row, end_row, report_offsets):
    n_positions = len(report_offsets)
    best_score, best_pair = float("-inf"), None
    for s in range(n_positions):
        if report_offsets[s] is None:
            continue
        for e in range(s, min(s + MAX_ANSWER_TOKENS, n_positions)):
            if report_offsets[e] is None:
                continue
            score = (start_row[s] + end_row[e]).item()
            if score > best_score:
                best_score, best_pair = score, (s, e)
    return best_score, best_pair


def main():
    tmp = tempfile.mkdtemp(prefix="match_qa_")
    tok = BertTokenizer(write_vocab(tmp))
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=WINDOW)
    reader = AutoModelForQuestionAnswering.from_config(cfg).eval()

    enc, report_spans = window_reports(tok)
    batch = pad_windows(tok, enc)
    print("windows:", batch["input_ids"].shape)

    with torch.no_grad():
        out = reader(**batch)

    per_question = defaultdict(list)
    for w, q_idx in enumerate(enc["overflow_to_sample_mapping"]):
        score, pair = best_span(out.start_logits[w], out.end_logits[w], report_spans[w])
        if pair is None:
            continue
        s, e = pair
        char_from, char_to = report_spans[w][s][0], report_spans[w][e][1]
        per_question[q_idx].append((score, char_from, char_to))

    for q_idx, (key, question) in enumerate(QUESTIONS):
        if not per_question[q_idx]:
            print(f"{question} -> <no answer>")
            continue
        score, a, b = max(per_question[q_idx])
        print(f"{question} -> {REPORTS[key][a:b]!r} ({score:.3f})")


if __name__ == "__main__":
    main()
