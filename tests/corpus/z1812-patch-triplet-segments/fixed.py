"""Patch-correctness classifier: given a commit message, the buggy hunk and the
proposed fix, predict whether the fix is plausible (1) or overfitting (0).

Each example is packed into a single BERT sequence:
    [CLS] message [SEP] buggy hunk [SEP] fixed hunk [SEP]
"""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(3)
torch.manual_seed(3)

CODE_VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "if", "else", "return", "for", "while", "in", "range", "len", "none", "is", "not",
    "null", "fix", "check", "off", "by", "one", "guard", "index", "handle", "empty", "list",
    "def", "self", "x", "i", "n", "items", "value", "result", "=", "==", "!=", "<", "<=",
    ">", "(", ")", ":", "[", "]", "+", "-", "1", "0", ".", ",", "raise", "error", "add",
]

PATCHES = [
    ("fix off by one in loop", "for i in range(len(items) + 1) :", "for i in range(len(items)) :", 1),
    ("guard against none value", "return value . x", "if value is none : return none", 1),
    ("fix check", "if n < 0 :", "if n <= 0 :", 0),
    ("handle empty list", "return items [ 0 ]", "if not items : return none", 1),
    ("fix index error", "return items [ i + 1 ]", "return items [ 0 ]", 0),
    ("add null check", "result = value . x", "if value != none : result = value . x", 1),
    ("fix error", "raise error", "return 0", 0),
    ("fix off by one", "while i <= n :", "while i < n :", 1),
]

SEGMENT_ORDER = ("message", "buggy", "fixed")
MAX_LEN = 48


def write_vocab(folder):
    path = os.path.join(folder, "code_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(CODE_VOCAB) + "\n")
    return path


def pack_patch(tokenizer, message, buggy, fixed):
    parts = {"message": message, "buggy": buggy, "fixed": fixed}
    token_ids = [tokenizer.cls_token_id]
    segment_ids = [0]
    for seg_idx, name in enumerate(SEGMENT_ORDER):
        pieces = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(parts[name]))
        pieces.append(tokenizer.sep_token_id)
        token_ids.extend(pieces)
        segment_ids.extend([seg_idx] * len(pieces))
    token_ids = token_ids[:MAX_LEN]
    segment_ids = segment_ids[:MAX_LEN]
    return token_ids, segment_ids


def collate(batch, pad_id):
    width = max(len(ids) for ids, _, _ in batch)
    tok = torch.full((len(batch), width), pad_id, dtype=torch.long)
    seg = torch.zeros((len(batch), width), dtype=torch.long)
    att = torch.zeros((len(batch), width), dtype=torch.long)
    ys = torch.tensor([y for _, _, y in batch], dtype=torch.long)
    for row, (ids, segs, _) in enumerate(batch):
        tok[row, : len(ids)] = torch.tensor(ids)
        seg[row, : len(segs)] = torch.tensor(segs)
        att[row, : len(ids)] = 1
    return tok, seg, att, ys


def build_model(tokenizer):
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        type_vocab_size=len(SEGMENT_ORDER),
        num_labels=2,
    )
    return BertForSequenceClassification(config)


def train_epoch(model, loader, optimizer):
    model.train()
    total = 0.0
    for tok, seg, att, ys in loader:
        out = model(input_ids=tok, token_type_ids=seg, attention_mask=att, labels=ys)
        optimizer.zero_grad()
        out.loss.backward()
        optimizer.step()
        total += out.loss.item()
    return total / len(loader)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer = BertTokenizer(write_vocab(tmp))

    examples = []
    for message, buggy, fixed, verdict in PATCHES:
        ids, segs = pack_patch(tokenizer, message, buggy, fixed)
        examples.append((ids, segs, verdict))
    random.shuffle(examples)

    loader = DataLoader(
        examples, batch_size=4, shuffle=True,
        collate_fn=lambda b: collate(b, tokenizer.pad_token_id),
    )
    model = build_model(tokenizer)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

    for epoch in range(3):
        loss = train_epoch(model, loader, optimizer)
        print(f"epoch {epoch} loss {loss:.4f}")

    model.eval()
    with torch.no_grad():
        tok, seg, att, ys = collate(examples, tokenizer.pad_token_id)
        preds = model(input_ids=tok, token_type_ids=seg, attention_mask=att).logits.argmax(-1)
    print("train accuracy:", (preds == ys).float().mean().item())


if __name__ == "__main__":
    main()
