"""Pull medication / follow-up facts out of discharge notes with a tiny BERT QA model."""
import os
import tempfile

import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

torch.manual_seed(3)

CLINICAL_TERMS = """[PAD] [UNK] [CLS] [SEP] [MASK] the a of and to with for in on at was is be
patient admitted discharged home day days week weeks mg daily twice once take takes
what which when how dose dosage medication drug follow up clinic visit cardiology
metformin lisinopril aspirin atorvastatin 10 20 40 81 500 two three four six
pneumonia chest pain diabetes hypertension started stopped continue return if fever
after before morning evening night meals .""".split()

NOTES = [
    ("what dose of metformin",
     "patient with diabetes was admitted with chest pain . continue metformin 500 mg twice "
     "daily with meals . follow up in cardiology clinic in two weeks ."),
    ("when is the follow up visit",
     "patient admitted with pneumonia . started aspirin 81 mg daily . discharged home on day "
     "four . follow up visit at the clinic in six weeks . return if fever ."),
    ("which drug was stopped",
     "patient with hypertension . lisinopril was stopped on day two . started atorvastatin 40 "
     "mg at night . continue aspirin 81 mg once daily in the morning ."),
]
GOLD = ["500 mg twice daily", "in six weeks", "lisinopril"]

MAX_LEN = 32
STRIDE = 8
MAX_ANSWER_TOKENS = 6
N_BEST = 3


def featurize(tok):
    qs = [q for q, _ in NOTES]
    notes = [n for _, n in NOTES]
    enc = tok(qs, notes, truncation="only_second", max_length=MAX_LEN, stride=STRIDE,
              return_overflowing_tokens=True, return_offsets_mapping=True,
              padding="max_length", return_tensors="pt")
    n = enc["input_ids"].shape[0]
    context_mask = torch.zeros(n, MAX_LEN, dtype=torch.bool)
    for w in range(n):
        for j, sid in enumerate(enc.sequence_ids(w)):
            context_mask[w, j] = sid == 1
    starts = torch.zeros(n, dtype=torch.long)
    ends = torch.zeros(n, dtype=torch.long)
    for w in range(n):
        note = notes[enc["overflow_to_sample_mapping"][w]]
        lo = note.index(GOLD[enc["overflow_to_sample_mapping"][w]])
        hi = lo + len(GOLD[enc["overflow_to_sample_mapping"][w]])
        for j in range(MAX_LEN):
            if not context_mask[w, j]:
                continue
            a, b = enc["offset_mapping"][w, j].tolist()
            if a <= lo < b:
                starts[w] = j
            if a < hi <= b:
                ends[w] = j
        if starts[w] == 0 or ends[w] == 0:
            starts[w] = ends[w] = 0
    return enc, context_mask, starts, ends


def nbest_spans(start_logits, end_logits, context_mask):
    L = start_logits.shape[-1]
    pair = start_logits[:, :, None] + end_logits[:, None, :]
    length = torch.arange(L)[None, :] - torch.arange(L)[:, None]
    valid = (length >= 0) & (length < MAX_ANSWER_TOKENS)
    valid = valid[None] & context_mask[:, :, None] & context_mask[:, None, :]
    pair = pair.masked_fill(~valid, float("-inf"))
    top = pair.flatten(1).topk(N_BEST, dim=-1)
    span_start = top.indices // L
    span_end = top.indices % L
    return top.values, span_start, span_end


def main():
    tmp = tempfile.mkdtemp()
    vocab_path = os.path.join(tmp, "clinical_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(CLINICAL_TERMS))
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    qa = BertForQuestionAnswering(cfg)

    enc, context_mask, starts, ends = featurize(tok)
    model_inputs = {k: enc[k] for k in ("input_ids", "attention_mask", "token_type_ids")}
    print("windows:", model_inputs["input_ids"].shape[0])

    opt = torch.optim.AdamW(qa.parameters(), lr=1e-3)
    for step in range(5):
        out = qa(**model_inputs, start_positions=starts, end_positions=ends)
        out.loss.backward()
        opt.step()
        opt.zero_grad()
    print(f"train loss after 5 steps: {out.loss.item():.4f}")

    qa.eval()
    with torch.no_grad():
        out = qa(**model_inputs)
    scores, span_start, span_end = nbest_spans(out.start_logits, out.end_logits, context_mask)

    offsets = enc["offset_mapping"]
    mapping = enc["overflow_to_sample_mapping"]
    best = {}
    for w in range(scores.shape[0]):
        char_lo = offsets[w, span_start[w], 0]
        char_hi = offsets[w, span_end[w], 1]
        note_idx = int(mapping[w])
        note = NOTES[note_idx][1]
        for k in range(N_BEST):
            text = note[int(char_lo[k]):int(char_hi[k])]
            cand = (float(scores[w, k]), text)
            if note_idx not in best or cand[0] > best[note_idx][0]:
                best[note_idx] = cand

    for i, (q, _) in enumerate(NOTES):
        print(f"Q: {q!r} -> {best[i][1]!r} (gold {GOLD[i]!r})")


if __name__ == "__main__":
    main()
