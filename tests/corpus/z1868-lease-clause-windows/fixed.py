"""Span extraction over long commercial lease agreements.

Leases are far longer than the encoder's input, so each agreement is cut into
overlapping windows of word pieces and every window is paired with the tenant's
question as  [CLS] question [SEP] window [SEP].
"""
import os
import re
import tempfile

import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

torch.manual_seed(7)

BOILERPLATE = (
    "The landlord shall keep the roof , foundation and structural walls in good repair . "
    "The tenant shall not assign this lease or sublet the premises without prior written consent . "
    "All notices under this lease must be delivered by registered mail to the addresses stated above . "
    "The tenant shall maintain general liability insurance naming the landlord as additional insured . "
    "Any holding over after expiry shall be a tenancy from month to month at the same rent . "
)

LEASES = [
    {"query": "what is the monthly base rent ?",
     "answer": "four thousand two hundred dollars",
     "clause": BOILERPLATE * 2 + "The monthly base rent is four thousand two hundred dollars payable on the first day of each month . " + BOILERPLATE},
    {"query": "how long is the notice period for termination ?",
     "answer": "ninety days",
     "clause": BOILERPLATE + "Either party may terminate this lease by giving ninety days written notice to the other party . " + BOILERPLATE * 2},
    {"query": "who pays for utilities ?",
     "answer": "the tenant",
     "clause": BOILERPLATE * 3 + "Charges for water , gas and electricity shall be paid by the tenant directly to the utility provider . "},
]

STRIDE = 48
EPOCHS = 3


def write_vocab(folder, texts):
    words = set()
    for t in texts:
        words.update(re.findall(r"\w+|[^\w\s]", t.lower()))
    path = os.path.join(folder, "lease_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    return path


def locate_answer(lease):
    char_start = lease["clause"].index(lease["answer"])
    return char_start, char_start + len(lease["answer"])


def build_windows(tok, lease, window_len):
    q_ids = tok(lease["query"], add_special_tokens=False)["input_ids"]
    enc = tok(lease["clause"], add_special_tokens=False, return_offsets_mapping=True)
    clause_ids, spans = enc["input_ids"], enc["offset_mapping"]
    char_start, char_end = locate_answer(lease)
    ans_first = next(i for i, (s, e) in enumerate(spans) if s <= char_start < e)
    ans_last = next(i for i, (s, e) in enumerate(spans) if s < char_end <= e)

    prefix = [tok.cls_token_id] + q_ids + [tok.sep_token_id]
    ctx_budget = window_len - len(prefix) - 1
    windows = []
    lo = 0
    while True:
        hi = min(lo + ctx_budget, len(clause_ids))
        piece_ids = prefix + clause_ids[lo:hi] + [tok.sep_token_id]
        segments = [0] * len(prefix) + [1] * (hi - lo + 1)
        if lo <= ans_first and ans_last < hi:
            start_pos = ans_first - lo + len(prefix)
            end_pos = ans_last - lo + len(prefix)
        else:
            start_pos = end_pos = 0
        windows.append((piece_ids, segments, start_pos, end_pos))
        if hi == len(clause_ids):
            break
        lo += STRIDE
    return windows


def collate(windows, pad_id):
    width = max(len(w[0]) for w in windows)
    ids = torch.full((len(windows), width), pad_id, dtype=torch.long)
    seg = torch.zeros((len(windows), width), dtype=torch.long)
    mask = torch.zeros((len(windows), width), dtype=torch.long)
    for row, (piece_ids, segments, _, _) in enumerate(windows):
        ids[row, : len(piece_ids)] = torch.tensor(piece_ids)
        seg[row, : len(segments)] = torch.tensor(segments)
        mask[row, : len(piece_ids)] = 1
    starts = torch.tensor([w[2] for w in windows])
    ends = torch.tensor([w[3] for w in windows])
    return ids, seg, mask, starts, ends


def main():
    workdir = tempfile.mkdtemp(prefix="lease_qa_")
    texts = [l["clause"] for l in LEASES] + [l["query"] for l in LEASES]
    tok = BertTokenizer(write_vocab(workdir, texts))

    model_cfg = BertConfig(
        vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=128, type_vocab_size=2,
    )
    reader = BertForQuestionAnswering(model_cfg)
    optim = torch.optim.AdamW(reader.parameters(), lr=3e-4)

    window_len = model_cfg.max_position_embeddings
    all_windows = []
    for lease in LEASES:
        all_windows.extend(build_windows(tok, lease, window_len))
    print(f"{len(LEASES)} leases -> {len(all_windows)} windows")

    ids, seg, mask, starts, ends = collate(all_windows, tok.pad_token_id)
    reader.train()
    for epoch in range(EPOCHS):
        out = reader(input_ids=ids, token_type_ids=seg, attention_mask=mask,
                     start_positions=starts, end_positions=ends)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        print(f"epoch {epoch} loss {out.loss.item():.4f}")

    reader.eval()
    with torch.no_grad():
        out = reader(input_ids=ids, token_type_ids=seg, attention_mask=mask)
    for row in range(min(3, ids.size(0))):
        s = int(out.start_logits[row].argmax())
        e = int(out.end_logits[row].argmax())
        span = tok.decode(ids[row, s : e + 1]) if e >= s else ""
        print(f"window {row}: predicted span [{s}, {e}] -> {span!r}")


if __name__ == "__main__":
    main()
