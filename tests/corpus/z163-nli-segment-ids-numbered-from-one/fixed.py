"""Tiny BERT NLI classifier; features are assembled by hand from the premise and hypothesis pieces."""
import os
import tempfile

import torch
from torch.nn.utils.rnn import pad_sequence
from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

torch.manual_seed(0)
LABELS = {"entailment": 0, "neutral": 1, "contradiction": 2}
PAIRS = [
    ("a man is playing a guitar", "a person plays music", "entailment"),
    ("a man is playing a guitar", "the man is asleep", "contradiction"),
    ("two dogs run in the park", "animals are outside", "entailment"),
    ("two dogs run in the park", "the dogs are chasing a ball", "neutral"),
    ("a woman reads a book", "a woman is reading", "entailment"),
    ("a woman reads a book", "the book is about cooking", "neutral"),
]


def build_tokenizer():
    words = sorted({w for p, h, _ in PAIRS for w in (p + " " + h).split()})
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return BertTokenizerFast(path)


def pair_features(tokenizer, premise, hypothesis):
    input_ids, segment_ids = [tokenizer.cls_token_id], [0]
    for segment, text in enumerate((premise, hypothesis)):
        pieces = tokenizer.encode(text, add_special_tokens=False) + [tokenizer.sep_token_id]
        input_ids += pieces
        segment_ids += [segment] * len(pieces)
    return torch.tensor(input_ids), torch.tensor(segment_ids)


def make_batch(tokenizer, rows):
    feats = [pair_features(tokenizer, p, h) for p, h, _ in rows]
    ids = pad_sequence([f[0] for f in feats], batch_first=True, padding_value=tokenizer.pad_token_id)
    types = pad_sequence([f[1] for f in feats], batch_first=True, padding_value=0)
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": (ids != tokenizer.pad_token_id).long(),
            "labels": torch.tensor([LABELS[lab] for _, _, lab in rows])}


tokenizer = build_tokenizer()
model = BertForSequenceClassification(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                                 num_attention_heads=2, intermediate_size=64,
                                                 max_position_embeddings=64, num_labels=len(LABELS)))
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

model.train()
for step in range(6):
    batch = make_batch(tokenizer, PAIRS[(step * 3) % 6:(step * 3) % 6 + 3])
    out = model(**batch)
    out.loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    print(f"step {step} loss {out.loss.item():.4f}")
