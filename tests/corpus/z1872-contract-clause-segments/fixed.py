"""Extractive QA over a service contract.

The contract is tokenized once and cut into overlapping windows; every question
about the contract is then paired with each window, so the (long) contract text
is not re-tokenized for every question.
"""
import os
import tempfile

import torch
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

torch.manual_seed(0)

LEGAL_VOCAB = (
    "[PAD] [UNK] [CLS] [SEP] [MASK] the a an of to in is by and or any "
    "what who when how long which must shall may party parties supplier customer "
    "agreement term notice days months written pay payment invoice within after "
    "terminate termination fee fees law governed state delaware liability cap "
    "total amount exceed twelve thirty sixty ninety this be will for with under "
    "services period renewal automatically renew unless either . , ( ) 1 2 3"
).split()

CONTRACT = (
    "this agreement is governed by the law of the state of delaware . "
    "the supplier shall invoice the customer after the services . "
    "the customer shall pay any invoice within thirty days . "
    "this agreement will renew automatically for twelve months unless either party "
    "shall terminate with sixty days written notice . "
    "the total liability of either party under this agreement shall not exceed the fees "
    "paid in the twelve months . termination fee is the amount of ninety days of fees ."
)

QUESTIONS = [
    ("which law governs the agreement", "the state of delaware"),
    ("when must the customer pay", "within thirty days"),
    ("how long is the notice", "sixty days written notice"),
    ("what is the termination fee", "the amount of ninety days of fees"),
]

MAX_LEN = 40
STRIDE = 8


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "legal_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(LEGAL_VOCAB))
    return BertTokenizer(vocab_path)


def contract_windows(tok, text, room):
    enc = tok(text, add_special_tokens=False, return_offsets_mapping=True)
    ids, spans = enc["input_ids"], enc["offset_mapping"]
    windows, start = [], 0
    while True:
        windows.append((ids[start:start + room], spans[start:start + room]))
        if start + room >= len(ids):
            break
        start += room - STRIDE
    return windows


def assemble(tok, question, answer):
    q_ids = tok(question, add_special_tokens=False)["input_ids"]
    room = MAX_LEN - len(q_ids) - 3
    char_lo = CONTRACT.index(answer)
    char_hi = char_lo + len(answer)
    rows, starts, ends = [], [], []
    for win_ids, win_spans in contract_windows(tok, CONTRACT, room):
        seq = [tok.cls_token_id] + q_ids + [tok.sep_token_id] + win_ids + [tok.sep_token_id]
        seq += [tok.pad_token_id] * (MAX_LEN - len(seq))
        offset = len(q_ids) + 2
        s_tok = e_tok = 0
        if win_spans[0][0] <= char_lo and win_spans[-1][1] >= char_hi:
            for j, (a, b) in enumerate(win_spans):
                if a <= char_lo < b:
                    s_tok = offset + j
                if a < char_hi <= b:
                    e_tok = offset + j
        rows.append(seq)
        starts.append(s_tok)
        ends.append(e_tok)
    return rows, starts, ends


def make_batch(tok):
    all_rows, all_starts, all_ends = [], [], []
    for question, answer in QUESTIONS:
        rows, s, e = assemble(tok, question, answer)
        all_rows += rows
        all_starts += s
        all_ends += e
    clause_ids = torch.tensor(all_rows)
    attn = (clause_ids != tok.pad_token_id).long()
    is_sep = (clause_ids == tok.sep_token_id).long()
    segment_ids = ((torch.cumsum(is_sep, dim=1) - is_sep) > 0).long() * attn
    return {
        "input_ids": clause_ids,
        "attention_mask": attn,
        "token_type_ids": segment_ids,
        "start_positions": torch.tensor(all_starts),
        "end_positions": torch.tensor(all_ends),
    }


def main():
    workdir = tempfile.mkdtemp()
    tok = build_tokenizer(workdir)
    cfg = BertConfig(
        vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=64, type_vocab_size=2,
    )
    model = BertForQuestionAnswering(cfg)
    batch = make_batch(tok)
    print("windows:", batch["input_ids"].shape[0], "answers found:",
          int((batch["start_positions"] > 0).sum()))

    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    for step in range(3):
        out = model(**batch)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        print(f"step {step} loss {out.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        out = model(**{k: v for k, v in batch.items() if "positions" not in k})
    best = out.start_logits.argmax(-1)
    print("predicted start tokens:", best.tolist())


if __name__ == "__main__":
    main()
