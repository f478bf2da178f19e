"""Tag receipt OCR words (store / date / item / total) with a small LayoutLM model.

Receipts come out of the OCR step as words plus pixel boxes; we normalise the boxes
to the 0-1000 grid LayoutLM expects, split words into word pieces, and run a batch
through a freshly initialised token-classification head as a smoke test.
"""
import os
import tempfile

import torch
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMForTokenClassification

torch.manual_seed(0)

FIELD_TAGS = ["O", "STORE", "DATE", "ITEM", "PRICE", "TOTAL"]

RECEIPT_VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "fresh", "##mart", "market", "corner", "cafe", "date", "milk", "bread", "eggs",
    "coffee", "latte", "total", "sub", "##total", "tax", "cash", "card", "change",
    "banana", "##s", "apple", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
    ".", "/", ":", "##0", "##1", "##2", "##3", "##4", "##5", "##6", "##7", "##8", "##9",
    "##.", "##/",
]

# OCR output: (word, [x0, y0, x1, y1] in pixels), page size in pixels
receipts = [
    {
        "size": (600, 1400),
        "words": [("FreshMart", [180, 40, 420, 90]), ("03/14", [40, 120, 140, 150]),
                  ("milk", [40, 220, 110, 250]), ("2.49", [480, 220, 560, 250]),
                  ("bread", [40, 260, 120, 290]), ("3.10", [480, 260, 560, 290]),
                  ("total", [40, 400, 130, 440]), ("5.59", [470, 400, 560, 440])],
        "tags": ["STORE", "DATE", "ITEM", "PRICE", "ITEM", "PRICE", "O", "TOTAL"],
    },
    {
        "size": (500, 900),
        "words": [("Corner", [120, 30, 250, 70]), ("Cafe", [260, 30, 360, 70]),
                  ("latte", [30, 150, 120, 180]), ("4.25", [380, 150, 460, 180]),
                  ("subtotal", [30, 300, 170, 330]), ("4.25", [380, 300, 460, 330]),
                  ("card", [30, 360, 110, 390])],
        "tags": ["STORE", "STORE", "ITEM", "PRICE", "O", "PRICE", "O"],
    },
]


def build_tokenizer(folder):
    path = os.path.join(folder, "receipt_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(RECEIPT_VOCAB) + "\n")
    return BertTokenizer(path, do_lower_case=True)


def scale_box(box, page_w, page_h):
    x0, y0, x1, y1 = box
    return [int(1000 * x0 / page_w), int(1000 * y0 / page_h),
            int(1000 * x1 / page_w), int(1000 * y1 / page_h)]


def encode_receipt(tok, receipt):
    page_w, page_h = receipt["size"]
    pieces, piece_boxes = [], []
    for word, box in receipt["words"]:
        sub = tok.tokenize(word)
        pieces.extend(sub)
        piece_boxes.extend([scale_box(box, page_w, page_h)] * len(sub))
    ids = [tok.cls_token_id] + tok.convert_tokens_to_ids(pieces) + [tok.sep_token_id]
    keep = [1] * len(ids)
    boxes = [[0, 0, 0, 0]] + piece_boxes + [[1000, 1000, 1000, 1000]]
    return ids, boxes, keep


def pad_rows(rows, fill):
    longest = max(len(r) for r in rows)
    return [r + [fill] * (longest - len(r)) for r in rows]


def collate(tok, batch):
    encoded = [encode_receipt(tok, r) for r in batch]
    ids = pad_rows([e[0] for e in encoded], tok.pad_token_id)
    boxes = pad_rows([e[1] for e in encoded], [0, 0, 0, 0])
    keep = pad_rows([e[2] for e in encoded], 0)
    return {
        "input_ids": torch.tensor(ids),
        "bbox": torch.tensor(boxes),
        "attention_mask": torch.tensor(keep),
    }


def main():
    with tempfile.TemporaryDirectory() as workdir:
        tok = build_tokenizer(workdir)

    config = LayoutLMConfig(
        vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=128, num_labels=len(FIELD_TAGS),
    )
    tagger = LayoutLMForTokenClassification(config).eval()

    batch = collate(tok, receipts)
    print("input_ids", tuple(batch["input_ids"].shape), "bbox", tuple(batch["bbox"].shape))

    with torch.no_grad():
        out = tagger(**batch)

    pred = out.logits.argmax(-1)
    for row, receipt in zip(pred, receipts):
        tags = [FIELD_TAGS[i] for i in row.tolist()]
        print(receipt["words"][0][0], "->", tags[:8])


if __name__ == "__main__":
    main()
