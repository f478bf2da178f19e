"""Fine-tune a tiny LayoutLM token classifier to tag receipt fields (store, date, item, price, total)."""
import os
import tempfile

import torch
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMForTokenClassification

torch.manual_seed(0)

FIELD_TAGS = ["O", "STORE", "DATE", "ITEM", "PRICE", "TOTAL"]
TAG2IDX = {t: i for i, t in enumerate(FIELD_TAGS)}

VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "fresh", "##mart", "corner", "deli", "date", "total", "sub", "##total", "tax",
    "milk", "bread", "eggs", "coffee", "bagel", "banana", "##s", "cash", "card",
    ".", "/", ":", "$", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
    "00", "03", "10", "12", "25", "49", "50", "73", "75", "99", "2023", "2024",
]

# each receipt: list of (word, [x0, y0, x1, y1] in 0-1000 page coords, tag)
RECEIPTS = [
    [("FreshMart", [120, 40, 420, 80], "STORE"),
     ("Date:", [60, 110, 160, 140], "O"), ("12/03/2024", [180, 110, 380, 140], "DATE"),
     ("Milk", [60, 200, 160, 230], "ITEM"), ("$3.99", [700, 200, 820, 230], "PRICE"),
     ("Bread", [60, 240, 170, 270], "ITEM"), ("$2.50", [700, 240, 820, 270], "PRICE"),
     ("Total", [60, 400, 180, 440], "O"), ("$6.49", [680, 400, 830, 440], "TOTAL")],
    [("Corner", [100, 30, 260, 70], "STORE"), ("Deli", [280, 30, 380, 70], "STORE"),
     ("Coffee", [50, 180, 190, 210], "ITEM"), ("$2.75", [720, 180, 840, 210], "PRICE"),
     ("Bagel", [50, 220, 170, 250], "ITEM"), ("$1.99", [720, 220, 840, 250], "PRICE"),
     ("Bananas", [50, 260, 210, 290], "ITEM"), ("$0.99", [720, 260, 840, 290], "PRICE"),
     ("Subtotal", [50, 360, 230, 390], "O"), ("$5.73", [700, 360, 840, 390], "O"),
     ("Total", [50, 420, 170, 450], "O"), ("$5.73", [700, 420, 840, 450], "TOTAL")],
]


def build_tokenizer(workdir):
    vocab_path = os.path.join(workdir, "receipt_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    return BertTokenizer(vocab_path)


def encode_receipt(tokenizer, receipt):
    piece_ids = [tokenizer.cls_token_id]
    piece_boxes = [[0, 0, 0, 0]]
    field_labels = [-100]
    for word, box, tag in receipt:
        wp = tokenizer.tokenize(word)
        piece_ids.extend(tokenizer.convert_tokens_to_ids(wp))
        piece_boxes.extend([box] * len(wp))
        field_labels.extend([TAG2IDX[tag]] + [-100] * (len(wp) - 1))
    piece_ids.append(tokenizer.sep_token_id)
    piece_boxes.append([1000, 1000, 1000, 1000])
    field_labels.append(-100)
    return {"ids": piece_ids, "boxes": piece_boxes, "labels": field_labels}


def pad_to(seq, length, fill):
    return seq + [fill] * (length - len(seq))


def collate_receipts(encoded, pad_id):
    longest_ids = max(len(e["ids"]) for e in encoded)
    longest_labels = max(len(e["labels"]) for e in encoded)
    ids = torch.tensor([pad_to(e["ids"], longest_ids, pad_id) for e in encoded])
    boxes = torch.tensor([pad_to(e["boxes"], longest_ids, [0, 0, 0, 0]) for e in encoded])
    mask = torch.tensor([pad_to([1] * len(e["ids"]), longest_ids, 0) for e in encoded])
    labels = torch.tensor([pad_to(e["labels"], longest_labels, -100) for e in encoded])
    return ids, boxes, mask, labels


def main():
    workdir = tempfile.mkdtemp(prefix="receipts_")
    tokenizer = build_tokenizer(workdir)

    cfg = LayoutLMConfig(
        vocab_size=len(VOCAB),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=len(FIELD_TAGS),
    )
    tagger = LayoutLMForTokenClassification(cfg)
    optim = torch.optim.AdamW(tagger.parameters(), lr=5e-4)

    encoded = [encode_receipt(tokenizer, r) for r in RECEIPTS]
    for e in encoded:
        print("pieces:", tokenizer.convert_ids_to_tokens(e["ids"]))
    ids, boxes, mask, labels = collate_receipts(encoded, tokenizer.pad_token_id)
    print("batch ids", tuple(ids.shape), "boxes", tuple(boxes.shape), "labels", tuple(labels.shape))

    tagger.train()
    for epoch in range(5):
        out = tagger(input_ids=ids, bbox=boxes, attention_mask=mask, labels=labels)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        print(f"epoch {epoch} loss {out.loss.item():.4f}")

    tagger.eval()
    with torch.no_grad():
        pred = tagger(input_ids=ids, bbox=boxes, attention_mask=mask).logits.argmax(-1)
    for row, e in zip(pred, encoded):
        toks = tokenizer.convert_ids_to_tokens(e["ids"])
        tags = [FIELD_TAGS[p] for p in row[: len(toks)].tolist()]
        print(list(zip(toks, tags)))


if __name__ == "__main__":
    main()
