import os
import random

import torch
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMModel

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_FILE = os.path.join(HERE, "vocab.txt")
LINE_TOL = 12
DPI = 300
LEXICON = ["invoice", "number", "date", "due", "bill", "to", "ship", "qty", "description",
           "unit", "price", "amount", "subtotal", "tax", "total", "paid", "balance", "acme",
           "street", "city", "zip", "phone", "email", "order", "ref", "net", "thirty"]


def build_vocab(path):
    toks = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + LEXICON + [str(d) for d in range(10)]
    with open(path, "w") as fh:
        fh.write("\n".join(toks) + "\n")


def pdf_text_layer(rng, n_lines=14):
    """Words from the embedded PDF text layer, boxes in PDF points on a 612x792 page."""
    words = []
    y = 54.0
    for _ in range(n_lines):
        x = 48.0
        for _ in range(rng.randint(2, 6)):
            text = rng.choice(LEXICON)
            w = 6.0 * len(text)
            words.append({"text": text, "bbox": (x, y, x + w, y + 10.0), "src": "pdf", "conf": 1.0})
            x += w + 6.0
        y += rng.choice([14.0, 16.0, 22.0])
    return {"width": 612, "height": 792, "words": words}


def raster_ocr(pdf_page, rng):
    """Simulated OCR on the 300 dpi scan: same words in pixels, some missed, some with noise."""
    scale = DPI / 72.0
    words = []
    for w in pdf_page["words"]:
        if rng.random() < 0.15:
            continue
        x0, y0, x1, y1 = (round(v * scale) for v in w["bbox"])
        jitter = rng.choice([0, 0, 0, 1, -1])
        words.append({"text": w["text"], "bbox": (x0 + jitter, y0, x1 + jitter, y1),
                      "src": "ocr", "conf": round(rng.uniform(0.6, 0.99), 3)})
    return {"width": round(612 * scale), "height": round(792 * scale), "words": words}


def to_grid(page):
    out = []
    for w in page["words"]:
        x0, y0, x1, y1 = w["bbox"]
        box = [int(1000 * x0 / page["width"]), int(1000 * y0 / page["height"]),
               int(1000 * x1 / page["width"]), int(1000 * y1 / page["height"])]
        out.append({**w, "bbox": [min(1000, max(0, v)) for v in box]})
    return out


def reading_order(words):
    decorated = [(w["bbox"][1] // LINE_TOL, w["bbox"][0], w) for w in words]
    decorated.sort()
    return [w for _, _, w in decorated]


def dedupe_adjacent(words, iou_thresh=0.5):
    def iou(a, b):
        ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
        iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
        inter = ix * iy
        area = lambda r: (r[2] - r[0]) * (r[3] - r[1])
        return inter / max(1, area(a) + area(b) - inter)

    kept = []
    for w in words:
        if kept and kept[-1]["text"] == w["text"] and iou(kept[-1]["bbox"], w["bbox"]) > iou_thresh:
            if w["conf"] > kept[-1]["conf"]:
                kept[-1] = w
            continue
        kept.append(w)
    return kept


def encode(tokenizer, words, max_len=128):
    ids, boxes = [tokenizer.cls_token_id], [[0, 0, 0, 0]]
    for w in words:
        for piece in tokenizer.tokenize(w["text"]):
            ids.append(tokenizer.convert_tokens_to_ids(piece))
            boxes.append(w["bbox"])
    ids, boxes = ids[: max_len - 1] + [tokenizer.sep_token_id], boxes[: max_len - 1] + [[1000] * 4]
    return torch.tensor([ids]), torch.tensor([boxes])


def main():
    rng = random.Random(3)
    torch.manual_seed(3)
    build_vocab(VOCAB_FILE)
    tok = BertTokenizer(VOCAB_FILE)
    cfg = LayoutLMConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
    model = LayoutLMModel(cfg).eval()

    for page_no in range(5):
        pdf_page = pdf_text_layer(rng)
        scan_page = raster_ocr(pdf_page, rng)
        merged = to_grid(pdf_page) + to_grid(scan_page)
        ordered = dedupe_adjacent(reading_order(merged))
        input_ids, bbox = encode(tok, ordered)
        with torch.no_grad():
            hidden = model(input_ids=input_ids, bbox=bbox).last_hidden_state
        print(f"page {page_no}: {len(merged)} raw -> {len(ordered)} words, "
              f"pooled norm {hidden.mean(1).norm().item():.3f}")


if __name__ == "__main__":
    main()
