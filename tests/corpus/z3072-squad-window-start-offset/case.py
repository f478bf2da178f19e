import os
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertTokenizer

random.seed(7)
torch.manual_seed(7)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "squad_vocab.txt")

MAX_SEQ_LENGTH = 48
MAX_QUERY_LENGTH = 12
DOC_STRIDE = 16

PEOPLE = ["marie", "albert", "ada", "nikola", "rosalind", "alan"]
PLACES = ["paris", "vienna", "london", "zagreb", "cambridge", "geneva"]
FIELDS = ["physics", "chemistry", "mathematics", "engineering", "biology"]
FILLER = ("the committee later reviewed several archived letters and notes that "
          "described the early years of the laboratory in considerable detail").split()


def write_vocab(path):
    words = set(PEOPLE + PLACES + FIELDS + FILLER)
    words |= set("who where what did study in was born and worked at which city field".split())
    words |= {"?", ".", ","}
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    pieces = ["##s", "##ed", "##ing", "##ly"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words) + pieces) + "\n")


def make_example(idx):
    who, where, field = random.choice(PEOPLE), random.choice(PLACES), random.choice(FIELDS)
    pre = " ".join(random.choices(FILLER, k=random.randint(25, 45)))
    post = " ".join(random.choices(FILLER, k=random.randint(5, 15)))
    context = f"{pre} . {who} was born in {where} and worked in {field} . {post}"
    question = f"where was {who} born ?"
    return {"id": f"q{idx}", "context": context, "question": question, "answer": where}


def build_features(example, tokenizer):
    doc_words = example["context"].split(" ")
    ans_word = doc_words.index(example["answer"], doc_words.index("born"))

    tok_to_orig, orig_to_tok, all_doc_tokens = [], [], []
    for i, word in enumerate(doc_words):
        orig_to_tok.append(len(all_doc_tokens))
        for sub in tokenizer.tokenize(word):
            tok_to_orig.append(i)
            all_doc_tokens.append(sub)
    tok_start = orig_to_tok[ans_word]
    tok_end = (orig_to_tok[ans_word + 1] - 1) if ans_word + 1 < len(doc_words) else len(all_doc_tokens) - 1

    query_tokens = tokenizer.tokenize(example["question"])[:MAX_QUERY_LENGTH]
    max_doc_tokens = MAX_SEQ_LENGTH - len(query_tokens) - 3

    spans, start = [], 0
    while start < len(all_doc_tokens):
        length = min(len(all_doc_tokens) - start, max_doc_tokens)
        spans.append((start, length))
        if start + length == len(all_doc_tokens):
            break
        start += min(length, DOC_STRIDE)

    feats = []
    for doc_start, length in spans:
        tokens = ["[CLS]"] + query_tokens + ["[SEP]"] + all_doc_tokens[doc_start:doc_start + length] + ["[SEP]"]
        segment = [0] * (len(query_tokens) + 2) + [1] * (length + 1)
        ids = tokenizer.convert_tokens_to_ids(tokens)
        mask = [1] * len(ids)
        pad = MAX_SEQ_LENGTH - len(ids)
        ids, segment, mask = ids + [0] * pad, segment + [0] * pad, mask + [0] * pad

        doc_end = doc_start + length - 1
        if tok_start >= doc_start and tok_end <= doc_end:
            doc_offset = len(query_tokens) + 2
            start_position = tok_start + doc_offset
            end_position = tok_end + doc_offset
        else:
            start_position = end_position = 0
        feats.append({
            "input_ids": ids, "token_type_ids": segment, "attention_mask": mask,
            "start_positions": start_position, "end_positions": end_position,
        })
    return feats


class SpanReader(nn.Module):
    def __init__(self, vocab_size, dim=32, heads=2):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.seg = nn.Embedding(2, dim)
        self.pos = nn.Embedding(MAX_SEQ_LENGTH, dim)
        layer = nn.TransformerEncoderLayer(dim, heads, dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=1)
        self.qa_outputs = nn.Linear(dim, 2)

    def forward(self, input_ids, token_type_ids, attention_mask):
        positions = torch.arange(input_ids.size(1)).unsqueeze(0)
        h = self.tok(input_ids) + self.seg(token_type_ids) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=attention_mask == 0)
        start_logits, end_logits = self.qa_outputs(h).unbind(-1)
        return start_logits, end_logits


def collate(feats):
    return {k: torch.tensor([f[k] for f in feats]) for k in feats[0]}


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    examples = [make_example(i) for i in range(12)]
    features = [f for ex in examples for f in build_features(ex, tokenizer)]
    print(f"{len(examples)} examples -> {len(features)} features")

    model = SpanReader(tokenizer.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loader = torch.utils.data.DataLoader(features, batch_size=8, shuffle=True, collate_fn=collate)

    for epoch in range(2):
        total = 0.0
        for batch in loader:
            s_logits, e_logits = model(batch["input_ids"], batch["token_type_ids"], batch["attention_mask"])
            loss = (F.cross_entropy(s_logits, batch["start_positions"])
                    + F.cross_entropy(e_logits, batch["end_positions"])) / 2
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total / len(loader):.4f}")

    model.eval()
    ex = examples[0]
    feats = build_features(ex, tokenizer)
    with torch.no_grad():
        b = collate(feats)
        s, e = model(b["input_ids"], b["token_type_ids"], b["attention_mask"])
    best = max(((fi, i, j, (s[fi, i] + e[fi, j]).item())
                for fi in range(len(feats)) for i in range(MAX_SEQ_LENGTH)
                for j in range(i, min(i + 5, MAX_SEQ_LENGTH))), key=lambda t: t[3])
    print("best span", best[:3], "gold", ex["answer"])


if __name__ == "__main__":
    main()
