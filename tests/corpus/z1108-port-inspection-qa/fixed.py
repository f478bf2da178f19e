"""Span-extraction baseline for port state control inspection notes.

Tiny functional BERT-ish encoder (embeddings + one mixing layer) trained to
point at the answer span inside the inspection note. Data is SQuAD-shaped:
question / context / answer / answer_start.
"""
import os
import random
import tempfile

import torch
import torch.nn.functional as F
from transformers import BertTokenizer

torch.manual_seed(7)
random.seed(7)

RECORDS = [
    {"question": "which port did the vessel depart from ?",
     "context": "the bulk carrier nordic tern departed from rotterdam on monday and was inspected at gdansk after a crew complaint about the lifeboat davits .",
     "answer": "rotterdam"},
    {"question": "what equipment was found defective ?",
     "context": "inspectors at gdansk found the emergency fire pump defective and ordered repairs before the vessel could leave the anchorage .",
     "answer": "emergency fire pump"},
    {"question": "how many deficiencies were recorded ?",
     "context": "during the expanded inspection in antwerp the officers recorded seven deficiencies , two of them related to the oily water separator .",
     "answer": "seven"},
    {"question": "which certificate had expired ?",
     "context": "the master could not present a valid ballast water certificate because the document had expired in march and no extension was on board .",
     "answer": "ballast water certificate"},
    {"question": "where was the vessel detained ?",
     "context": "after the second inspection the tanker silver heron was detained in hamburg until the steering gear alarm was replaced and tested .",
     "answer": "hamburg"},
    {"question": "what was replaced ?",
     "context": "the chief engineer confirmed that the steering gear alarm was replaced in hamburg and the class surveyor signed the report the next morning .",
     "answer": "steering gear alarm"},
]


def add_char_offsets(records):
    # same field layout as the SQuAD json export
    for r in records:
        r["answer_start"] = r["context"].index(r["answer"])
    return records


def write_vocab(records):
    words = set()
    for r in records:
        words.update(r["question"].split())
        words.update(r["context"].split())
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return path, len(vocab)


def encode(tokenizer, chunk):
    enc = tokenizer([r["question"] for r in chunk], [r["context"] for r in chunk],
                    padding=True, return_tensors="pt")
    starts, ends = [], []
    for i, r in enumerate(chunk):
        first_char = r["answer_start"]
        last_char = r["answer_start"] + len(r["answer"]) - 1
        # context is the second sequence of the pair
        starts.append(enc.char_to_token(i, first_char, sequence_index=1))
        ends.append(enc.char_to_token(i, last_char, sequence_index=1))
    return {
        "ids": enc["input_ids"],
        "segments": enc["token_type_ids"],
        "keep": enc["attention_mask"].bool(),
        "span_start": torch.tensor(starts),
        "span_end": torch.tensor(ends),
    }


def init_params(vocab_size, dim=48, max_pos=128):
    p = {
        "tok": torch.randn(vocab_size, dim) * 0.02,
        "pos": torch.randn(max_pos, dim) * 0.02,
        "seg": torch.randn(2, dim) * 0.02,
        "W_mix": torch.randn(dim, dim) * dim ** -0.5,
        "b_mix": torch.zeros(dim),
        "W_span": torch.randn(2, dim) * dim ** -0.5,
        "b_span": torch.zeros(2),
    }
    return {k: v.requires_grad_() for k, v in p.items()}


def forward(params, batch):
    ids, segs = batch["ids"], batch["segments"]
    positions = torch.arange(ids.size(1)).unsqueeze(0)
    h = F.embedding(ids, params["tok"]) + F.embedding(positions, params["pos"]) \
        + F.embedding(segs, params["seg"])
    h = F.layer_norm(h, h.shape[-1:])
    h = h + torch.tanh(F.linear(h, params["W_mix"], params["b_mix"]))
    logits = F.linear(h, params["W_span"], params["b_span"])
    start_logits, end_logits = logits.unbind(-1)
    fill = torch.finfo(start_logits.dtype).min
    start_logits = start_logits.masked_fill(~batch["keep"], fill)
    end_logits = end_logits.masked_fill(~batch["keep"], fill)
    return start_logits, end_logits


def span_loss(params, batch):
    s_logits, e_logits = forward(params, batch)
    return (F.cross_entropy(s_logits, batch["span_start"])
            + F.cross_entropy(e_logits, batch["span_end"])) / 2


def batches(records, size):
    order = list(range(len(records)))
    random.shuffle(order)
    for i in range(0, len(order), size):
        yield [records[j] for j in order[i:i + size]]


def main():
    records = add_char_offsets(RECORDS)
    vocab_path, vocab_size = write_vocab(records)
    tokenizer = BertTokenizer(vocab_path)
    params = init_params(vocab_size)
    opt = torch.optim.AdamW(params.values(), lr=3e-3)
    print(f"vocab={vocab_size} examples={len(records)}")

    for epoch in range(3):
        total = 0.0
        for chunk in batches(records, size=3):
            batch = encode(tokenizer, chunk)
            loss = span_loss(params, batch)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} span loss {total:.4f}")

    batch = encode(tokenizer, records)
    with torch.no_grad():
        s_logits, e_logits = forward(params, batch)
    for r, ids, s, e in zip(records, batch["ids"], s_logits.argmax(-1), e_logits.argmax(-1)):
        pred = tokenizer.decode(ids[s:e + 1]) if e >= s else ""
        print(f"Q: {r['question']!r:45} gold={r['answer']!r:28} pred={pred!r}")


if __name__ == "__main__":
    main()
