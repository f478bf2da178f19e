"""Span tagging for court docket entries.

The annotation export gives character spans (start, end, label) per docket entry.
We convert them to BIO tags over word pieces with the tokenizer's offset mapping
and train a small token classifier.
"""
import os
import re
import tempfile
from functools import partial

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(3)
MAX_LEN = 40

RAW_ENTRIES = [
    ("Case 2:19-cv-04411 assigned to Judge Okonkwo-Brandt.",
     [("2:19-cv-04411", "CASE_NO"), ("Okonkwo-Brandt", "JUDGE")]),
    ("Motion to dismiss under 28 U.S.C. 1332 filed by Halvorsen Freight LLC.",
     [("28 U.S.C. 1332", "STATUTE"), ("Halvorsen Freight LLC", "PARTY")]),
    ("ORDER granting stipulation; Judge Abernathy vacates hearing.",
     [("Abernathy", "JUDGE")]),
    ("Minute entry for proceedings held before Judge Okonkwo-Brandt: status conference held on "
     "case 2:19-cv-04411, counsel for Halvorsen Freight LLC and counsel for Marisol Textiles Inc. "
     "appeared, briefing schedule on the motion under 28 U.S.C. 1332 set, parties to file joint "
     "report within fourteen days.",
     [("Okonkwo-Brandt", "JUDGE"), ("2:19-cv-04411", "CASE_NO"), ("Halvorsen Freight LLC", "PARTY"),
      ("Marisol Textiles Inc.", "PARTY"), ("28 U.S.C. 1332", "STATUTE")]),
]
LABELS = ["CASE_NO", "JUDGE", "STATUTE", "PARTY"]
TAG2ID = {"O": 0}
for _lab in LABELS:
    TAG2ID[f"B-{_lab}"] = len(TAG2ID)
    TAG2ID[f"I-{_lab}"] = len(TAG2ID)


def load_annotations():
    """Mimic the export format: text plus (start, end, label) character spans."""
    out = []
    for text, ents in RAW_ENTRIES:
        spans, cursor = [], 0
        for surface, lab in ents:
            start = text.index(surface, cursor)
            spans.append((start, start + len(surface), lab))
            cursor = start + len(surface)
        out.append({"text": text, "spans": spans})
    return out


def make_tokenizer(docs):
    vocab = set()
    for d in docs:
        vocab.update(re.findall(r"\w+|[^\w\s]", d["text"].lower()))
    folder = tempfile.mkdtemp(prefix="docket_")
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(vocab)) + "\n")
    return BertTokenizer(path, model_max_length=MAX_LEN)


def spans_to_tags(offsets, spans):
    tags = []
    for tok_start, tok_end in offsets:
        if tok_start == tok_end:          # [CLS], [SEP], padding
            tags.append(-100)
            continue
        tag = "O"
        for s, e, lab in spans:
            if tok_start >= s and tok_end <= e:
                tag = ("B-" if tok_start == s else "I-") + lab
                break
        tags.append(TAG2ID[tag])
    return tags


def collate(docs, tokenizer):
    enc = tokenizer([d["text"] for d in docs], padding=True,
                    return_offsets_mapping=True, return_tensors="pt")
    offsets = enc.pop("offset_mapping").tolist()
    enc["labels"] = torch.tensor([spans_to_tags(off, d["spans"]) for off, d in zip(offsets, docs)])
    return dict(enc)


def main():
    docs = load_annotations()
    tokenizer = make_tokenizer(docs)
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64,
                        max_position_embeddings=MAX_LEN, num_labels=len(TAG2ID))
    model = BertForTokenClassification(config)
    loader = DataLoader(docs, batch_size=2, shuffle=False, collate_fn=partial(collate, tokenizer=tokenizer))
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
    print(f"{len(docs)} docket entries, {len(TAG2ID)} tags, vocab {tokenizer.vocab_size}")

    for epoch in range(2):
        model.train()
        total = 0.0
        for i, batch in enumerate(loader):
            result = model(**batch)
            result.loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            total += result.loss.item()
            print(f"  epoch {epoch} batch {i} seq_len={batch['input_ids'].shape[1]} loss={result.loss.item():.4f}")
        print(f"epoch {epoch} mean loss {total / len(loader):.4f}")

    model.eval()
    id2tag = {v: k for k, v in TAG2ID.items()}
    sample = collate(docs[:1], tokenizer)
    with torch.no_grad():
        guess = model(**sample).logits.argmax(-1)[0]
    toks = tokenizer.convert_ids_to_tokens(sample["input_ids"][0])
    print(" ".join(f"{t}/{id2tag[g]}" for t, g in zip(toks, guess.tolist())))


if __name__ == "__main__":
    main()
