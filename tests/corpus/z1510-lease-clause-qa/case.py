"""Extractive QA over commercial lease agreements.

Leases run past what the reader sees in one pass, so each lease is cut into
overlapping context windows by hand and every (question, window) pair becomes
one training feature. Windows that do not contain the answer point at [CLS].
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForQuestionAnswering, BertTokenizer

random.seed(3)
torch.manual_seed(3)

CTX_TOKENS = 40
CTX_STRIDE = 20

FILLER = ("the parties agree that the premises shall be used for retail purposes only and that "
          "the landlord may inspect the premises upon reasonable request during business hours "
          "the tenant shall keep the premises in good repair and comply with all building rules").split()

LEASES = [
    ("what is the notice period for termination", "ninety days written notice"),
    ("who pays the property insurance", "the landlord at its own cost"),
    ("how much is the security deposit", "three months base rent"),
    ("when is rent due", "on the first business day of each month"),
    ("what happens on late payment", "interest at two percent per month"),
]


def make_lease(answer):
    words = [random.choice(FILLER) for _ in range(random.randint(90, 130))]
    cut = random.randint(len(words) // 3, len(words) - 5)
    return " ".join(words[:cut] + answer.split() + words[cut:])


def write_vocab(texts):
    words = sorted({w for t in texts for w in t.split()})
    folder = tempfile.mkdtemp(prefix="lease_qa_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words))
    return path


def answer_token_span(tokenizer, context, answer):
    """Token span of the answer inside the full lease (inclusive)."""
    char_start = context.index(answer)
    char_end = char_start + len(answer)
    enc = tokenizer(context, add_special_tokens=False, return_offsets_mapping=True)
    starts = [i for i, (a, b) in enumerate(enc["offset_mapping"]) if a <= char_start < b]
    ends = [i for i, (a, b) in enumerate(enc["offset_mapping"]) if a < char_end <= b]
    return enc["input_ids"], starts[0], ends[0]


def build_features(tokenizer, question, context, answer):
    q_ids = tokenizer(question, add_special_tokens=False)["input_ids"]
    ctx_ids, ans_start, ans_end = answer_token_span(tokenizer, context, answer)
    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id

    feats = []
    for win_start in range(0, len(ctx_ids), CTX_STRIDE):
        window = ctx_ids[win_start:win_start + CTX_TOKENS]
        win_end = win_start + len(window) - 1
        ids = [cls_id] + q_ids + [sep_id] + window + [sep_id]
        if win_start <= ans_start and ans_end <= win_end:
            start_pos, end_pos = ans_start, ans_end
        else:
            start_pos, end_pos = 0, 0
        feats.append({"ids": ids, "segment_split": len(q_ids) + 2,
                      "start": start_pos, "end": end_pos})
        if win_start + CTX_TOKENS >= len(ctx_ids):
            break
    return feats


def collate(batch, pad_id=0):
    width = max(len(f["ids"]) for f in batch)
    ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    seg = torch.zeros_like(ids)
    att = torch.zeros_like(ids)
    for r, f in enumerate(batch):
        n = len(f["ids"])
        ids[r, :n] = torch.tensor(f["ids"])
        seg[r, f["segment_split"]:n] = 1
        att[r, :n] = 1
    spans = torch.tensor([[f["start"], f["end"]] for f in batch])
    return {"input_ids": ids, "token_type_ids": seg, "attention_mask": att}, spans


def main():
    corpus = [(q, make_lease(a), a) for q, a in LEASES]
    tokenizer = BertTokenizer(write_vocab([c for _, c, _ in corpus] + [q for q, _ in LEASES]))

    features = []
    for question, context, answer in corpus:
        features.extend(build_features(tokenizer, question, context, answer))
    print(f"{len(corpus)} leases -> {len(features)} windowed features "
          f"(ctx={CTX_TOKENS}, stride={CTX_STRIDE})")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    reader = BertForQuestionAnswering(config)
    span_loss = nn.CrossEntropyLoss(label_smoothing=0.05)
    optim = torch.optim.AdamW(reader.parameters(), lr=3e-4)
    loader = DataLoader(features, batch_size=4, shuffle=True, collate_fn=collate)

    reader.train()
    for epoch in range(3):
        running = 0.0
        for inputs, spans in loader:
            out = reader(**inputs)
            loss = (span_loss(out.start_logits, spans[:, 0]) +
                    span_loss(out.end_logits, spans[:, 1])) / 2
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running / len(loader):.4f}")


if __name__ == "__main__":
    main()
