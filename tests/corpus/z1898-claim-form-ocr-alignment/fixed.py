"""Field extraction from insurance claim forms.

The OCR engine returns a flat Tesseract-style table (block / line / word rows,
pixel coordinates, confidence).  We drop structural rows and unreliable words,
normalise boxes to the 0-1000 grid LayoutLM expects and fine-tune a tiny model.
"""
import os
import tempfile

import torch
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMForTokenClassification

FIELDS = ["O", "B-POLICY", "B-CLAIMANT", "I-CLAIMANT", "B-LOSS_DATE", "B-AMOUNT"]
FIELD_IDX = {f: i for i, f in enumerate(FIELDS)}
MIN_CONF = 40
PAGE_W, PAGE_H = 1700, 2200


def fake_ocr(rows):
    """rows: (level, text, left, top, width, height, conf, field)."""
    keys = ["level", "text", "left", "top", "width", "height", "conf", "field"]
    return {k: [r[i] for r in rows] for i, k in enumerate(keys)}


CLAIM_PAGES = [
    fake_ocr([
        (2, "", 100, 100, 1500, 300, -1, "O"),
        (4, "", 100, 120, 900, 60, -1, "O"),
        (5, "policy", 100, 120, 200, 60, 96, "O"),
        (5, "number", 320, 120, 220, 60, 95, "O"),
        (5, "pl-88213", 600, 120, 300, 60, 91, "B-POLICY"),
        (4, "", 100, 260, 1000, 60, -1, "O"),
        (5, "claimant", 100, 260, 260, 60, 94, "O"),
        (5, "maria", 400, 260, 180, 60, 93, "B-CLAIMANT"),
        (5, "lopez", 600, 260, 200, 60, 92, "I-CLAIMANT"),
        (5, "~", 820, 262, 30, 50, 14, "O"),
        (2, "", 100, 500, 1500, 300, -1, "O"),
        (5, "date", 100, 520, 140, 60, 97, "O"),
        (5, "of", 260, 520, 60, 60, 97, "O"),
        (5, "loss", 340, 520, 130, 60, 96, "O"),
        (5, "2024-02-17", 520, 520, 330, 60, 88, "B-LOSS_DATE"),
        (5, "amount", 100, 640, 220, 60, 95, "O"),
        (5, "3400.00", 360, 640, 250, 60, 90, "B-AMOUNT"),
    ]),
    fake_ocr([
        (2, "", 90, 110, 1500, 300, -1, "O"),
        (5, "policy", 90, 130, 200, 60, 95, "O"),
        (5, "number", 310, 130, 220, 60, 96, "O"),
        (5, "pl-10457", 590, 130, 300, 60, 89, "B-POLICY"),
        (5, "claimant", 90, 270, 260, 60, 93, "O"),
        (5, "tom", 390, 270, 120, 60, 90, "B-CLAIMANT"),
        (5, "becker", 530, 270, 210, 60, 92, "I-CLAIMANT"),
        (5, "amount", 90, 650, 220, 60, 94, "O"),
        (5, "780.50", 350, 650, 230, 60, 87, "B-AMOUNT"),
        (5, "|", 1600, 2000, 10, 80, 9, "O"),
    ]),
]


def clean_page(ocr):
    keep = [i for i, t in enumerate(ocr["text"]) if t.strip() and ocr["conf"][i] >= MIN_CONF]
    boxes = []
    for i in keep:
        x0, y0 = ocr["left"][i], ocr["top"][i]
        x1, y1 = x0 + ocr["width"][i], y0 + ocr["height"][i]
        boxes.append([1000 * x0 // PAGE_W, 1000 * y0 // PAGE_H, 1000 * x1 // PAGE_W, 1000 * y1 // PAGE_H])
    return {
        "ocr": ocr,
        "words": [ocr["text"][i] for i in keep],
        "boxes": torch.tensor(boxes, dtype=torch.long),
        "tags": torch.tensor([FIELD_IDX[ocr["field"][i]] for i in keep]),
    }


def encode_form(tokenizer, record, max_len=32):
    ids, bbox, labels = [tokenizer.cls_token_id], [[0, 0, 0, 0]], [-100]
    for w_idx, text in enumerate(record["words"]):
        pieces = tokenizer.tokenize(text)
        if not pieces:
            continue
        box = record["boxes"][w_idx].tolist()
        ids += tokenizer.convert_tokens_to_ids(pieces)
        bbox += [box] * len(pieces)
        labels += [int(record["tags"][w_idx])] + [-100] * (len(pieces) - 1)
    ids, bbox, labels = ids[: max_len - 1], bbox[: max_len - 1], labels[: max_len - 1]
    ids.append(tokenizer.sep_token_id)
    bbox.append([1000, 1000, 1000, 1000])
    labels.append(-100)
    n = len(ids)
    return {
        "input_ids": ids + [tokenizer.pad_token_id] * (max_len - n),
        "bbox": bbox + [[0, 0, 0, 0]] * (max_len - n),
        "attention_mask": [1] * n + [0] * (max_len - n),
        "labels": labels + [-100] * (max_len - n),
    }


def main():
    torch.manual_seed(3)
    records = [clean_page(p) for p in CLAIM_PAGES]
    with tempfile.TemporaryDirectory() as tmp:
        vocab_path = os.path.join(tmp, "vocab.txt")
        vocab = sorted({w for r in records for w in r["words"]} | {"-", ".", "pl", "88213", "10457"})
        with open(vocab_path, "w") as fh:
            fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
        tokenizer = BertTokenizer(vocab_path)

    encoded = [encode_form(tokenizer, r) for r in records]
    batch = {k: torch.tensor([e[k] for e in encoded]) for k in encoded[0]}

    config = LayoutLMConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                            num_labels=len(FIELDS))
    model = LayoutLMForTokenClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for epoch in range(4):
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        print(f"epoch {epoch}: loss={loss.item():.4f}")

    with torch.no_grad():
        preds = model(**{k: v for k, v in batch.items() if k != "labels"}).logits.argmax(-1)
    mask = batch["labels"] != -100
    acc = (preds[mask] == batch["labels"][mask]).float().mean().item()
    print(f"word-level accuracy on train forms: {acc:.2f}")


if __name__ == "__main__":
    main()
