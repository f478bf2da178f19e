"""Span classifier for adverse-drug-event mining in patient forum posts (DRUG / REACTION / NONE).
SpERT-style span representation: [start token; end token; width embedding]. Trained with Accelerate."""
import os
import random
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from accelerate import Accelerator
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

SPAN_TYPES = ["NONE", "DRUG", "REACTION"]
MAX_SPAN_TOKENS = 6

POSTS = [
    ("started metformin last week and now constant stomach cramps", ["metformin", "constant stomach cramps", "last week"]),
    ("after two doses of amoxicillin clavulanate i got an itchy rash", ["amoxicillin clavulanate", "itchy rash", "two doses"]),
    ("sertraline gives me vivid dreams and night sweats", ["sertraline", "vivid dreams", "night sweats"]),
    ("my mother had swollen ankles on amlodipine", ["swollen ankles", "amlodipine", "my mother"]),
    ("no side effects from the flu vaccine so far", ["flu vaccine", "side effects"]),
    ("ibuprofen every day led to burning heartburn", ["ibuprofen", "burning heartburn", "every day"]),
]
GOLD_TYPE = {"metformin": 1, "amoxicillin clavulanate": 1, "sertraline": 1, "amlodipine": 1, "flu vaccine": 1,
             "ibuprofen": 1, "constant stomach cramps": 2, "itchy rash": 2, "vivid dreams": 2, "night sweats": 2,
             "swollen ankles": 2, "burning heartburn": 2}


@dataclass
class SpanExample:
    text: str
    char_spans: list  # (char_start, char_end, type_id)


def build_examples():
    out = []
    for text, phrases in POSTS:
        spans = []
        for ph in phrases:
            c0 = text.index(ph)
            spans.append((c0, c0 + len(ph), GOLD_TYPE.get(ph, 0)))
        out.append(SpanExample(text, spans))
    return out


def char_span_to_token_span(offsets, c_start, c_end):
    """Map a character span onto the first and last word-piece covering it."""
    first = last = None
    for i, (s, e) in enumerate(offsets):
        if s == e:  # [CLS]/[SEP]/padding
            continue
        if first is None and s <= c_start < e:
            first = i
        if s < c_end <= e:
            last = i
    return last, first


def collate(examples, tokenizer):
    enc = tokenizer([ex.text for ex in examples], padding=True, return_offsets_mapping=True, return_tensors="pt")
    offsets = enc.pop("offset_mapping").tolist()
    rows, starts, ends, types = [], [], [], []
    for b, ex in enumerate(examples):
        for c_start, c_end, type_id in ex.char_spans:
            start, end = char_span_to_token_span(offsets[b], c_start, c_end)
            if end - start + 1 > MAX_SPAN_TOKENS:
                continue  # longer spans are not candidates in inference either
            rows.append(b)
            starts.append(start)
            ends.append(end)
            types.append(type_id)
    enc["span_rows"] = torch.tensor(rows)
    enc["span_starts"] = torch.tensor(starts)
    enc["span_ends"] = torch.tensor(ends)
    enc["span_types"] = torch.tensor(types)
    return dict(enc)


class SpanClassifier(nn.Module):
    def __init__(self, vocab_size, width_dim=16):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.width_emb = nn.Embedding(MAX_SPAN_TOKENS, width_dim)
        self.head = nn.Linear(2 * cfg.hidden_size + width_dim, len(SPAN_TYPES))

    def forward(self, input_ids, attention_mask, token_type_ids, span_rows, span_starts, span_ends):
        h = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                         token_type_ids=token_type_ids).last_hidden_state
        left = h[span_rows, span_starts]
        right = h[span_rows, span_ends]
        width = self.width_emb(span_ends - span_starts)
        return self.head(torch.cat([left, right, width], dim=-1))


def main():
    tmp = tempfile.mkdtemp()
    words = sorted({w for t, _ in POSTS for w in t.split()})
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(vocab_path)

    examples = build_examples()
    loader = DataLoader(examples, batch_size=3, shuffle=True, collate_fn=lambda b: collate(b, tokenizer))
    model = SpanClassifier(tokenizer.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=2e-3)
    accelerator = Accelerator(cpu=True)
    model, optim, loader = accelerator.prepare(model, optim, loader)
    loss_fn = nn.CrossEntropyLoss()

    print(f"{len(examples)} posts, {sum(len(e.char_spans) for e in examples)} spans, device={accelerator.device}")
    for epoch in range(4):
        total = 0.0
        for batch in loader:
            gold = batch.pop("span_types")
            logits = model(**batch)
            loss = loss_fn(logits, gold)
            accelerator.backward(loss)
            optim.step()
            optim.zero_grad()
            total += loss.item()
        accelerator.print(f"epoch {epoch} loss {total / len(loader):.4f}")


if __name__ == "__main__":
    main()
