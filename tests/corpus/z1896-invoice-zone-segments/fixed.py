"""Key-value extraction on scanned invoices with a tiny LayoutLM.

Each OCR word carries a 0-1000 normalised box.  Besides the 2-D position
embeddings we tell the model which horizontal band of the page a word sits in
(header / line items / totals) through the segment embedding.
"""
import bisect
import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMForTokenClassification

FIELD_TAGS = ["O", "B-VENDOR", "B-INV_NO", "B-DATE", "B-ITEM", "B-AMOUNT", "B-TOTAL"]
TAG2ID = {t: i for i, t in enumerate(FIELD_TAGS)}

# page bands along the y axis (normalised units): header | line items | totals
BAND_EDGES = (280, 720)

INVOICES = [
    {
        "words": ["acme", "supplies", "invoice", "4471", "date", "2024-03-02",
                  "paper", "12.50", "toner", "80.00", "total", "92.50"],
        "boxes": [[60, 40, 180, 70], [190, 40, 330, 70], [600, 45, 700, 70], [710, 45, 790, 70],
                  [600, 90, 650, 115], [660, 90, 820, 115],
                  [70, 350, 160, 375], [700, 350, 780, 375], [70, 400, 160, 425], [700, 400, 780, 425],
                  [560, 800, 640, 830], [700, 800, 790, 830]],
        "tags": ["B-VENDOR", "B-VENDOR", "O", "B-INV_NO", "O", "B-DATE",
                 "B-ITEM", "B-AMOUNT", "B-ITEM", "B-AMOUNT", "O", "B-TOTAL"],
    },
    {
        "words": ["northwind", "traders", "invoice", "9902", "date", "2024-04-11",
                  "coffee", "31.00", "total", "31.00"],
        "boxes": [[50, 30, 220, 65], [230, 30, 360, 65], [620, 40, 720, 66], [730, 40, 800, 66],
                  [620, 85, 670, 110], [680, 85, 840, 110],
                  [80, 380, 190, 405], [710, 380, 790, 405],
                  [570, 780, 650, 810], [710, 780, 790, 810]],
        "tags": ["B-VENDOR", "B-VENDOR", "O", "B-INV_NO", "O", "B-DATE",
                 "B-ITEM", "B-AMOUNT", "O", "B-TOTAL"],
    },
]


def build_tokenizer(workdir):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = sorted({w for inv in INVOICES for w in inv["words"]})
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return BertTokenizer(path, do_lower_case=True)


def band_of(box):
    return bisect.bisect_right(BAND_EDGES, box[1])


def encode_invoice(tok, inv, max_len=24):
    ids, boxes, bands, labels = [tok.cls_token_id], [[0, 0, 0, 0]], [0], [-100]
    for word, box, tag in zip(inv["words"], inv["boxes"], inv["tags"]):
        pieces = tok.convert_tokens_to_ids(tok.tokenize(word))
        ids.extend(pieces)
        boxes.extend([box] * len(pieces))
        bands.extend([band_of(box)] * len(pieces))
        labels.extend([TAG2ID[tag]] + [-100] * (len(pieces) - 1))
    ids.append(tok.sep_token_id)
    boxes.append([1000, 1000, 1000, 1000])
    bands.append(bands[-1])
    labels.append(-100)
    pad = max_len - len(ids)
    return {
        "input_ids": torch.tensor(ids + [tok.pad_token_id] * pad),
        "bbox": torch.tensor(boxes + [[0, 0, 0, 0]] * pad),
        "token_type_ids": torch.tensor(bands + [0] * pad),
        "attention_mask": torch.tensor([1] * len(ids) + [0] * pad),
        "labels": torch.tensor(labels + [-100] * pad),
    }


def make_model(vocab_size):
    cfg = LayoutLMConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        max_2d_position_embeddings=1024,
        type_vocab_size=len(BAND_EDGES) + 1,
        num_labels=len(FIELD_TAGS),
    )
    return LayoutLMForTokenClassification(cfg)


def main():
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as workdir:
        tok = build_tokenizer(workdir)
        examples = [encode_invoice(tok, inv) for inv in INVOICES]
        loader = DataLoader(examples, batch_size=2, shuffle=True)
        model = make_model(tok.vocab_size)
        optim = torch.optim.AdamW(model.parameters(), lr=5e-3)

        model.train()
        for epoch in range(3):
            for batch in loader:
                out = model(**batch)
                out.loss.backward()
                optim.step()
                optim.zero_grad()
            print(f"epoch {epoch} loss {out.loss.item():.4f}")

        model.eval()
        with torch.no_grad():
            sample = examples[0]
            logits = model(**{k: v.unsqueeze(0) for k, v in sample.items() if k != "labels"}).logits
        pred = logits.argmax(-1)[0]
        keep = sample["labels"] != -100
        print("predicted fields:", [FIELD_TAGS[i] for i in pred[keep].tolist()])


if __name__ == "__main__":
    main()
