"""Extractive QA over voyage charter parties with a small BERT-style encoder.

Charter parties are longer than the encoder's window, so each one is split
into overlapping windows (doc_stride) and every window becomes one feature.
"""
import random
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

random.seed(5)
torch.manual_seed(5)

CLAUSES = [
    "the vessel shall proceed with all convenient speed to the loading port of {load}",
    "the cargo shall consist of a full and complete cargo of {cargo} in bulk",
    "freight shall be paid at the rate of {freight} per metric ton on intaken quantity",
    "laytime for loading and discharging shall be {laytime} running hours weather permitting",
    "demurrage shall be payable at the rate of {demurrage} per day or pro rata",
    "the vessel shall discharge at one safe berth at the port of {discharge}",
    "any dispute arising under this charter shall be referred to arbitration in {forum}",
    "the owners shall have a lien on the cargo for freight and demurrage due",
    "the charterers shall nominate the loading berth not less than {notice} days before arrival",
    "war risks insurance premiums shall be for account of the charterers",
]
FIXTURES = [
    dict(load="santos", cargo="soya beans", freight="usd 31", laytime="seventy two", demurrage="usd 14500",
         discharge="qingdao", forum="london", notice="five"),
    dict(load="port hedland", cargo="iron ore", freight="usd 9", laytime="forty eight", demurrage="usd 22000",
         discharge="rotterdam", forum="singapore", notice="seven"),
    dict(load="richards bay", cargo="steam coal", freight="usd 17", laytime="sixty", demurrage="usd 18000",
         discharge="gdansk", forum="new york", notice="three"),
    dict(load="vancouver", cargo="potash", freight="usd 26", laytime="ninety six", demurrage="usd 12000",
         discharge="paranagua", forum="london", notice="ten"),
]
QUESTIONS = [("what is the demurrage rate", "demurrage"), ("where is the cargo discharged", "discharge"),
             ("where is arbitration held", "forum"), ("what cargo is carried", "cargo")]

MAX_QUESTION, WINDOW, DOC_STRIDE = 6, 40, 20
SEQ_LEN = MAX_QUESTION + WINDOW + 3


@dataclass
class Feature:
    token_ids: list
    start_pos: int
    end_pos: int


class Vocab:
    def __init__(self, texts):
        words = sorted({w for t in texts for w in t.split()})
        self.itos = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"] + words
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, words):
        return [self.stoi.get(w, 1) for w in words]


def build_examples():
    examples = []
    for fx in FIXTURES:
        clauses = CLAUSES[:]
        random.shuffle(clauses)
        doc = " ".join(c.format(**fx) for c in clauses)
        for question, slot in QUESTIONS:
            examples.append((question, doc, fx[slot]))
    return examples


def find_span(doc_words, answer_words):
    for i in range(len(doc_words) - len(answer_words) + 1):
        if doc_words[i:i + len(answer_words)] == answer_words:
            return i, i + len(answer_words) - 1
    raise ValueError(f"answer {answer_words} not in document")


def windows_for(vocab, question, doc, answer):
    q_words, d_words = question.split()[:MAX_QUESTION], doc.split()
    ans_first, ans_last = find_span(d_words, answer.split())
    prefix = [2] + vocab.encode(q_words) + [3]
    feats, w_start = [], 0
    while True:
        w_end = min(w_start + WINDOW, len(d_words))
        ids = prefix + vocab.encode(d_words[w_start:w_end]) + [3]
        if w_start <= ans_first and ans_last < w_end:
            start_pos, end_pos = len(prefix) + ans_first - w_start, len(prefix) + ans_last - w_start
        else:
            start_pos = end_pos = 0  # answer not in this window -> point at [CLS]
        feats.append(Feature(ids + [0] * (SEQ_LEN - len(ids)), start_pos, end_pos))
        if w_end == len(d_words):
            return feats
        w_start += DOC_STRIDE


class SpanReader(nn.Module):
    def __init__(self, vocab_size, hidden=32, heads=2, layers=1):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, hidden, padding_idx=0)
        self.pos = nn.Embedding(SEQ_LEN, hidden)
        layer = nn.TransformerEncoderLayer(hidden, heads, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.qa_outputs = nn.Linear(hidden, 2)

    def forward(self, ids):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        states = self.encoder(self.tok(ids) + self.pos(positions), src_key_padding_mask=ids.eq(0))
        start_logits, end_logits = self.qa_outputs(states).unbind(dim=-1)
        return start_logits, end_logits


def batches(features, size):
    order = list(range(len(features)))
    random.shuffle(order)
    for i in range(0, len(order), size):
        chunk = [features[j] for j in order[i:i + size]]
        yield (torch.tensor([f.token_ids for f in chunk]),
               torch.tensor([f.start_pos for f in chunk]),
               torch.tensor([f.end_pos for f in chunk]))


def main():
    examples = build_examples()
    vocab = Vocab([q for q, _, _ in examples] + [d for _, d, _ in examples])
    features = [f for q, d, a in examples for f in windows_for(vocab, q, d, a)]
    print(f"{len(examples)} questions -> {len(features)} window features, seq_len={SEQ_LEN}")

    reader = SpanReader(len(vocab.itos))
    optim = torch.optim.Adam(reader.parameters(), lr=1e-3)
    for epoch in range(3):
        total = 0.0
        for ids, starts, ends in batches(features, 8):
            start_logits, end_logits = reader(ids)
            loss = (F.cross_entropy(start_logits, starts) + F.cross_entropy(end_logits, ends)) / 2
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.3f}")


if __name__ == "__main__":
    main()
