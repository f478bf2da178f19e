"""Extractive QA over aircraft maintenance manual sections, trained with Accelerate.

Manual sections are longer than the reader's window, so question+section pairs are
split into overlapping windows (stride) and each window is a training feature.  Windows
that do not contain the answer point at [CLS] and get a smaller weight in the loss.
"""
import os
import re
import tempfile
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from accelerate import Accelerator
from accelerate.utils import set_seed
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

set_seed(3)

MAX_LEN = 64
DOC_STRIDE = 16
NO_ANSWER_WEIGHT = 0.3

FILLER = ("inspect the area for corrosion and cracks before removal . record all findings in the "
          "work order and notify the shift lead if damage exceeds the limits in chapter five . ")

SECTIONS = [
    ("what torque is applied to the wheel axle nut",
     FILLER * 4 + "install the wheel and tighten the axle nut to 150 newton metres while rotating "
     "the wheel . " + FILLER, "150 newton metres"),
    ("which fluid is used to service the brake accumulator",
     FILLER + "service the brake accumulator with hydraulic fluid type four only . " + FILLER * 3,
     "hydraulic fluid type four"),
    ("how long must the sealant cure before pressurisation",
     FILLER * 3 + "allow the fuselage sealant to cure for 72 hours before cabin pressurisation . "
     + FILLER * 2, "72 hours"),
    ("what is the minimum tread depth for the nose tyre",
     FILLER * 5 + "replace the nose tyre when the tread depth is below 2 millimetres . ",
     "2 millimetres"),
]


@dataclass
class Feature:
    input_ids: list
    token_type_ids: list
    attention_mask: list
    start: int
    end: int
    doc: int


def build_tokenizer(root):
    words = set()
    for q, ctx, _ in SECTIONS:
        words.update(re.findall(r"\w+|[^\w\s]", q + " " + ctx))
    path = os.path.join(root, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)))
    return BertTokenizer(path)


def token_at(offsets, char_pos):
    for k, (lo, hi) in enumerate(offsets):
        if lo <= char_pos < hi:
            return k
    raise ValueError(f"no token covers char {char_pos}")


def locate_answers(tokenizer):
    """Answer char span and token span inside each manual section."""
    spans = []
    for _, ctx, answer in SECTIONS:
        a_lo = ctx.index(answer)
        a_hi = a_lo + len(answer)
        doc_offsets = tokenizer(ctx, add_special_tokens=False,
                                return_offsets_mapping=True)["offset_mapping"]
        spans.append((a_lo, a_hi, token_at(doc_offsets, a_lo), token_at(doc_offsets, a_hi - 1)))
    return spans


def make_features(tokenizer):
    enc = tokenizer([q for q, _, _ in SECTIONS], [c for _, c, _ in SECTIONS],
                    truncation="only_second", max_length=MAX_LEN, stride=DOC_STRIDE,
                    return_overflowing_tokens=True, return_offsets_mapping=True,
                    padding="max_length")
    answer_spans = locate_answers(tokenizer)
    feats = []
    for i in range(len(enc["input_ids"])):
        doc = enc["overflow_to_sample_mapping"][i]
        offsets = enc["offset_mapping"][i]
        ctx_idx = [k for k, s in enumerate(enc.sequence_ids(i)) if s == 1]
        win_lo, win_hi = offsets[ctx_idx[0]][0], offsets[ctx_idx[-1]][1]
        a_lo, a_hi, tok_s, tok_e = answer_spans[doc]
        if win_lo <= a_lo and a_hi <= win_hi:
            ctx_offsets = [offsets[k] for k in ctx_idx]
            start = ctx_idx[token_at(ctx_offsets, a_lo)]
            end = ctx_idx[token_at(ctx_offsets, a_hi - 1)]
        else:
            start = end = 0
        feats.append(Feature(enc["input_ids"][i], enc["token_type_ids"][i],
                             enc["attention_mask"][i], start, end, doc))
    return feats


def collate(feats):
    return {k: torch.tensor([getattr(f, k) for f in feats])
            for k in ("input_ids", "token_type_ids", "attention_mask", "start", "end")}


def span_loss(start_logits, end_logits, start, end):
    has_answer = (start > 0).float()
    w = has_answer + (1 - has_answer) * NO_ANSWER_WEIGHT
    l_s = F.cross_entropy(start_logits, start, reduction="none")
    l_e = F.cross_entropy(end_logits, end, reduction="none")
    return ((l_s + l_e) / 2 * w).sum() / w.sum()


def main():
    accelerator = Accelerator(cpu=True)
    tokenizer = build_tokenizer(tempfile.mkdtemp())
    features = make_features(tokenizer)
    accelerator.print(f"{len(SECTIONS)} sections -> {len(features)} windows")

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=MAX_LEN)
    model = BertForQuestionAnswering(cfg)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = DataLoader(features, batch_size=4, shuffle=True, collate_fn=collate)
    model, optim, loader = accelerator.prepare(model, optim, loader)

    model.train()
    for epoch in range(2):
        for step, batch in enumerate(loader):
            start, end = batch.pop("start"), batch.pop("end")
            out = model(**batch)
            loss = span_loss(out.start_logits, out.end_logits, start, end)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
        accelerator.print(f"epoch {epoch} loss {loss.item():.4f}")

    # best span per section over all of its windows
    model.eval()
    best = {}
    with torch.no_grad():
        for f in features:
            ids = torch.tensor([f.input_ids])
            out = model(input_ids=ids, token_type_ids=torch.tensor([f.token_type_ids]),
                        attention_mask=torch.tensor([f.attention_mask]))
            s = out.start_logits[0].argmax().item()
            e = max(s, out.end_logits[0].argmax().item())
            score = (out.start_logits[0, s] + out.end_logits[0, e]).item()
            if f.doc not in best or score > best[f.doc][0]:
                best[f.doc] = (score, tokenizer.decode(f.input_ids[s:e + 1]))
    for doc, (score, text) in sorted(best.items()):
        accelerator.print(f"Q{doc}: {SECTIONS[doc][0]!r} -> {text!r} ({score:.2f})")


if __name__ == "__main__":
    main()
