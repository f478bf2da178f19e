"""Receipt-level attribute tagging from OCR tokens + layout.

Every receipt can have several properties at once (a tip line, a tax line,
card payment, itemised lines), so this is a multi-label problem on top of a
small LayoutLM encoder.
"""
import csv
import json
import os
import tempfile

import torch
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMForSequenceClassification

ATTRS = ["has_tip", "has_tax", "card_payment", "itemised"]

RECEIPTS = [
    ("r001", [("corner", 80, 30, 260, 60), ("cafe", 270, 30, 360, 60), ("latte", 60, 300, 170, 330),
              ("4.20", 760, 300, 850, 330), ("tip", 60, 600, 120, 630), ("1.00", 760, 600, 850, 630),
              ("visa", 60, 880, 150, 910)], "1,0,1,1"),
    ("r002", [("fuel", 100, 40, 200, 70), ("stop", 210, 40, 300, 70), ("pump", 60, 300, 160, 330),
              ("45.00", 740, 300, 850, 330), ("vat", 60, 650, 120, 680), ("7.50", 760, 650, 850, 680),
              ("cash", 60, 880, 150, 910)], "0,1,0,0"),
    ("r003", [("green", 80, 30, 190, 60), ("grocer", 200, 30, 330, 60), ("apples", 60, 250, 190, 280),
              ("2.10", 760, 250, 850, 280), ("bread", 60, 300, 170, 330), ("1.80", 760, 300, 850, 330),
              ("tax", 60, 650, 120, 680), ("0.40", 760, 650, 850, 680), ("visa", 60, 880, 150, 910)],
     "0,1,1,1"),
    ("r004", [("taxi", 100, 40, 200, 70), ("fare", 60, 300, 150, 330), ("18.00", 740, 300, 850, 330),
              ("tip", 60, 600, 120, 630), ("3.00", 760, 600, 850, 630), ("card", 60, 880, 150, 910)],
     "1,0,1,0"),
]


def dump_dataset(root):
    """Write the OCR json per receipt and an annotation csv, like the export tool does."""
    with open(os.path.join(root, "labels.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["receipt_id"] + ATTRS)
        for rid, words, flags in RECEIPTS:
            w.writerow([rid] + flags.split(","))
            with open(os.path.join(root, f"{rid}.json"), "w") as jf:
                json.dump([{"text": t, "box": [x0, y0, x1, y1]} for t, x0, y0, x1, y1 in words], jf)
    tokens = sorted({t for _, words, _ in RECEIPTS for t, *_ in words})
    with open(os.path.join(root, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + tokens) + "\n")


def load_annotations(root):
    with open(os.path.join(root, "labels.csv")) as fh:
        return {row["receipt_id"]: [int(row[a]) for a in ATTRS] for row in csv.DictReader(fh)}


def encode_receipt(tokenizer, ocr_words, seq_len=20):
    piece_ids, piece_boxes = [tokenizer.cls_token_id], [[0, 0, 0, 0]]
    for item in ocr_words:
        sub = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(item["text"]))
        piece_ids += sub
        piece_boxes += [item["box"]] * len(sub)
    piece_ids.append(tokenizer.sep_token_id)
    piece_boxes.append([1000, 1000, 1000, 1000])
    n_real = len(piece_ids)
    piece_ids += [tokenizer.pad_token_id] * (seq_len - n_real)
    piece_boxes += [[0, 0, 0, 0]] * (seq_len - n_real)
    return piece_ids, piece_boxes, [1] * n_real + [0] * (seq_len - n_real)


def build_batch(root, tokenizer, annotations):
    ids, boxes, masks, targets = [], [], [], []
    for rid in sorted(annotations):
        with open(os.path.join(root, f"{rid}.json")) as fh:
            ocr_words = json.load(fh)
        i, b, m = encode_receipt(tokenizer, ocr_words)
        ids.append(i)
        boxes.append(b)
        masks.append(m)
        targets.append(annotations[rid])
    return {
        "input_ids": torch.tensor(ids),
        "bbox": torch.tensor(boxes),
        "attention_mask": torch.tensor(masks),
        "labels": torch.tensor(targets, dtype=torch.float),
    }


def main():
    torch.manual_seed(7)
    with tempfile.TemporaryDirectory() as root:
        dump_dataset(root)
        tokenizer = BertTokenizer(os.path.join(root, "vocab.txt"))
        annotations = load_annotations(root)
        batch = build_batch(root, tokenizer, annotations)

        config = LayoutLMConfig(
            vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
            num_attention_heads=2, intermediate_size=64, max_position_embeddings=32,
            num_labels=len(ATTRS), problem_type="multi_label_classification",
        )
        model = LayoutLMForSequenceClassification(config)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)

        for step in range(5):
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            print(f"step {step}: bce {out.loss.item():.4f}")

        with torch.no_grad():
            probs = torch.sigmoid(model(**{k: v for k, v in batch.items() if k != "labels"}).logits)
        for rid, p in zip(sorted(annotations), probs):
            print(rid, {a: round(v, 2) for a, v in zip(ATTRS, p.tolist())})


if __name__ == "__main__":
    main()
