"""Extractive QA over long quarterly earnings reports.

Question + report pairs are split into overlapping windows, a small BERT QA head
scores start/end positions per window, and the best span of each report is
picked across all of that report's windows using the offset mapping."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

torch.manual_seed(7)

FIN_WORDS = """what was the total revenue net income operating margin for quarter fiscal year company
reported of million billion dollars percent increase decrease compared with prior period guidance
raised lowered segment cloud hardware services gross profit cash flow free dividend per share board
approved repurchase program expenses research development grew declined to and in a by from on its
which how much did were third second first fourth outlook expects between"""

REPORTS = [
    ("what was the total revenue for the quarter",
     "the company reported total revenue of 4 . 2 billion dollars for the third quarter , an increase of 12 "
     "percent compared with the prior period . cloud segment revenue grew 31 percent while hardware declined "
     "by 6 percent . operating margin was 18 percent . research and development expenses grew to 610 million "
     "dollars . free cash flow was 902 million dollars . the board approved a dividend of 0 . 25 dollars per "
     "share and a repurchase program of 1 billion dollars . the company raised fiscal year guidance and now "
     "expects revenue between 16 . 8 and 17 . 1 billion dollars . "),
    ("how much was the dividend per share",
     "net income for the second quarter was 340 million dollars , a decrease of 4 percent . gross profit "
     "declined to 1 . 1 billion dollars . services revenue grew 9 percent . the board approved a dividend of "
     "0 . 40 dollars per share . "),
    ("what was the operating margin",
     "fourth quarter revenue was 880 million dollars . operating margin was 11 percent compared with 14 percent "
     "in the prior period . the company lowered its outlook for the fiscal year and expects cloud revenue to "
     "grow between 5 and 7 percent . free cash flow was 120 million dollars . expenses grew by 3 percent . "),
]


def write_vocab(folder):
    extra = [".", ",", "?", "was", "while", "now", "an", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
    words = sorted(set(FIN_WORDS.split() + extra))
    path = os.path.join(folder, "fin_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


def context_offsets(enc):
    """Offsets per window with question / special tokens blanked out (None)."""
    per_window = []
    for w, offs in enumerate(enc["offset_mapping"]):
        seq_ids = enc.sequence_ids(w)
        per_window.append([o if seq_ids[t] == 1 else None for t, o in enumerate(offs)])
    return per_window


def best_span_for_report(report, rows, start_logits, end_logits, ctx_offsets, max_answer_tokens=15, top_k=8):
    doc_start = start_logits[rows]
    doc_end = end_logits[rows]
    best_score, best_text = float("-inf"), ""
    for w in range(len(ctx_offsets)):
        s_scores, e_scores = doc_start[w], doc_end[w]
        offs = ctx_offsets[rows[w]]
        for s in torch.topk(s_scores, top_k).indices.tolist():
            for e in torch.topk(e_scores, top_k).indices.tolist():
                if offs[s] is None or offs[e] is None or e < s or e - s + 1 > max_answer_tokens:
                    continue
                score = (s_scores[s] + e_scores[e]).item()
                if score > best_score:
                    best_score, best_text = score, report[offs[s][0]:offs[e][1]]
    return best_score, best_text


def main():
    folder = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(folder))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    reader = BertForQuestionAnswering(cfg).eval()

    questions = [q for q, _ in REPORTS]
    reports = [r for _, r in REPORTS]
    enc = tokenizer(questions, reports, truncation="only_second", max_length=64, stride=16,
                    return_overflowing_tokens=True, return_offsets_mapping=True, padding="max_length")
    window_report = torch.tensor(enc["overflow_to_sample_mapping"])
    ctx_offsets = context_offsets(enc)
    print(f"{len(reports)} reports -> {len(ctx_offsets)} windows, per report: {torch.bincount(window_report).tolist()}")

    model_inputs = {k: torch.tensor(enc[k]) for k in ("input_ids", "token_type_ids", "attention_mask")}
    with torch.no_grad():
        out = reader(**model_inputs)

    for r, (question, report) in enumerate(REPORTS):
        rows = (window_report == r).nonzero().flatten().tolist()
        score, answer = best_span_for_report(report, rows, out.start_logits, out.end_logits, ctx_offsets)
        print(f"Q: {question}?\n   A: {answer!r} (score {score:.2f}, {len(rows)} windows)")


if __name__ == "__main__":
    main()
