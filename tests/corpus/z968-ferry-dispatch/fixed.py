"""Ferry dispatch triage: classify incoming dispatch notes into an urgency bucket.

Deployed as a serverless function; each dispatch note arrives with its free-text body,
the route code and the vessel name, and all three are fed to the encoder as separate
segments so the model can tell them apart.
"""
import json
import os
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

SEGMENT_FIELDS = ("body", "route", "vessel")
URGENCY = ["routine", "delay", "mechanical", "weather_hold"]

VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "engine", "alarm", "on", "deck", "two", "late", "departure", "fog", "at", "harbour",
    "crew", "change", "ramp", "stuck", "passengers", "waiting", "swell", "high", "no",
    "issues", "reported", "north", "south", "loop", "island", "express", "star", "of",
    "the", "sea", "gull", "pioneer", "route", "vessel", "delayed", "minutes", "thirty",
]

_MODEL = None
_TOKENIZER = None


def _load_tokenizer():
    tmp = tempfile.mkdtemp(prefix="ferry_vocab_")
    vocab_path = os.path.join(tmp, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(vocab_path)


def _load_model(vocab_size, params):
    torch.manual_seed(params.get("seed", 7))
    cfg = BertConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=params.get("max_positions", 64),
        type_vocab_size=len(SEGMENT_FIELDS),
        num_labels=len(URGENCY),
    )
    model = BertForSequenceClassification(cfg)
    model.eval()
    return model


def encode_note(tok, note):
    """[CLS] body [SEP] route [SEP] vessel [SEP], one segment id per field."""
    ids = [tok.cls_token_id]
    seg = [0]
    for seg_idx, field in enumerate(SEGMENT_FIELDS):
        pieces = tok.convert_tokens_to_ids(tok.tokenize(note.get(field, "")))
        ids.extend(pieces + [tok.sep_token_id])
        seg.extend([seg_idx] * (len(pieces) + 1))
    return ids, seg


def build_batch(tok, notes):
    encoded = [encode_note(tok, n) for n in notes]
    width = max(len(ids) for ids, _ in encoded)
    token_rows, segment_rows, keep_rows = [], [], []
    for ids, seg in encoded:
        pad = width - len(ids)
        token_rows.append(ids + [tok.pad_token_id] * pad)
        segment_rows.append(seg + [0] * pad)
        keep_rows.append([1] * len(ids) + [0] * pad)
    return {
        "input_ids": torch.tensor(token_rows),
        "token_type_ids": torch.tensor(segment_rows),
        "attention_mask": torch.tensor(keep_rows),
    }


def handler(event, context):
    global _MODEL, _TOKENIZER
    params = event.get("params", {})
    if _TOKENIZER is None:
        _TOKENIZER = _load_tokenizer()
    if _MODEL is None:
        _MODEL = _load_model(len(_TOKENIZER), params)

    notes = event["notes"]
    print(f"[ferry-triage] scoring {len(notes)} dispatch notes")
    dispatch_batch = build_batch(_TOKENIZER, notes)
    print("[ferry-triage] batch shape:", tuple(dispatch_batch["input_ids"].shape))

    with torch.no_grad():
        logits = _MODEL(**dispatch_batch).logits
    probs = logits.softmax(dim=-1)

    results = []
    for note, row in zip(notes, probs):
        best = int(row.argmax())
        results.append({
            "id": note.get("id"),
            "urgency": URGENCY[best],
            "confidence": round(float(row[best]), 4),
        })
    return {"statusCode": 200, "body": json.dumps(results)}


if __name__ == "__main__":
    fake_event = {
        "notes": [
            {"id": "d-101", "body": "engine alarm on deck two", "route": "north loop",
             "vessel": "island express"},
            {"id": "d-102", "body": "fog at harbour late departure", "route": "south loop",
             "vessel": "star of the sea"},
            {"id": "d-103", "body": "ramp stuck passengers waiting", "route": "island loop",
             "vessel": "gull pioneer"},
        ],
        "params": {"seed": 7, "max_positions": 64},
    }
    response = handler(fake_event, None)
    print(response["body"])
