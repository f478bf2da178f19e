"""Train a tiny BERT token classifier on medication mentions from a span-annotation export (JSON lines)."""
import json
import os
import tempfile

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizerFast

EXPORT = """{"text": "patient takes metformin twice daily", "spans": [{"start": 2, "end": 3, "label": "DRUG"}, {"start": 3, "end": 5, "label": "FREQ"}]}
{"text": "start ibuprofen four hundred mg", "spans": [{"start": 1, "end": 2, "label": "DRUG"}, {"start": 2, "end": 5, "label": "DOSE"}]}
{"text": "no known allergies", "spans": []}
{"text": "continue lisinopril ten mg every morning", "spans": [{"start": 1, "end": 2, "label": "DRUG"}, {"start": 2, "end": 4, "label": "DOSE"}, {"start": 4, "end": 6, "label": "FREQ"}]}
"""
TAGS = ["O", "B-DRUG", "I-DRUG", "B-DOSE", "I-DOSE", "B-FREQ", "I-FREQ"]


def spans_to_tags(record):
    words = record["text"].split()
    tags = torch.zeros(len(words), dtype=torch.long)
    for span in record["spans"]:
        tags[span["start"]] = TAGS.index("B-" + span["label"])
        for k in range(span["start"] + 1, span["end"]):
            tags[k] = TAGS.index("I-" + span["label"])
    return words, tags


def load_export(text):
    return [spans_to_tags(json.loads(line)) for line in text.strip().splitlines()]


def align(tokenizer, examples):
    enc = tokenizer([w for w, _ in examples], is_split_into_words=True, padding=True, return_tensors="pt")
    labels = torch.full(enc["input_ids"].shape, -100)
    for i, (_, tags) in enumerate(examples):
        for j, w in enumerate(enc.word_ids(i)):
            if w is not None:
                labels[i, j] = tags[w]
    return enc, labels


def main():
    torch.manual_seed(0)
    examples = load_export(EXPORT)
    vocab = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
                           + sorted({w for ws, _ in examples for w in ws})) + "\n")
    tokenizer = BertTokenizerFast(vocab)
    enc, labels = align(tokenizer, examples)
    model = BertForTokenClassification(BertConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=32, num_labels=len(TAGS)))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for step in range(15):
        loss = model(**enc, labels=labels).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    print(f"final loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
