"""Field tagging on bills of lading straight from the OCR engine's TSV export.

The OCR engine writes one row per word (level 5) with left/top/width/height in pixels.
We read the TSV, put the boxes on LayoutLM's 0-1000 grid, encode the words and run a
LayoutLM encoder with a small per-word head (first word piece of each word).
"""
import csv
import os
import tempfile

import torch
from torch import nn
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMModel

torch.manual_seed(0)

FIELDS = ["other", "shipper", "consignee", "port_loading", "port_discharge", "container"]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "bill", "of", "lading", "shipper",
         "consignee", "port", "loading", "discharge", "container", "no", "nordic", "freight",
         "as", "hamburg", "rotterdam", "shanghai", "trading", "co", "ms", "##ku", "##cu",
         "##1", "##2", "##3", "##4", "##5", "##6", "##7", "##8", "##9", "##0", ":", "."]

OCR_ROWS = [
    # text, left, top, width, height  (page is 1654 x 2339 px, A4 @ 200 dpi)
    ("Bill", 640, 90, 110, 48), ("of", 760, 90, 50, 48), ("Lading", 820, 90, 190, 48),
    ("Shipper:", 120, 260, 190, 36), ("Nordic", 340, 260, 160, 36), ("Freight", 510, 260, 170, 36),
    ("AS", 690, 260, 60, 36), ("Consignee:", 120, 340, 240, 36), ("Shanghai", 380, 340, 210, 36),
    ("Trading", 600, 340, 180, 36), ("Co.", 790, 340, 70, 36),
    ("Port", 120, 520, 100, 36), ("of", 230, 520, 50, 36), ("Loading:", 290, 520, 200, 36),
    ("Hamburg", 510, 520, 210, 36), ("Port", 900, 520, 100, 36), ("of", 1010, 520, 50, 36),
    ("Discharge:", 1070, 520, 240, 36), ("Rotterdam", 1330, 520, 240, 36),
    ("Container", 120, 700, 230, 36), ("No:", 360, 700, 80, 36), ("MSKU1234567", 460, 700, 330, 36),
]


def write_ocr_tsv(folder):
    path = os.path.join(folder, "bol_page1.tsv")
    with open(path, "w", newline="") as fh:
        out = csv.writer(fh, delimiter="\t")
        out.writerow(["level", "page_num", "block_num", "par_num", "line_num", "word_num",
                      "left", "top", "width", "height", "conf", "text"])
        for n, (text, left, top, width, height) in enumerate(OCR_ROWS, start=1):
            out.writerow([5, 1, 1, 1, 1, n, left, top, width, height, 91.0, text])
    return path


def read_words(tsv_path, page_w, page_h):
    words, boxes = [], []
    with open(tsv_path) as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["level"] != "5" or not row["text"].strip():
                continue
            left, top, width, height = (int(row[k]) for k in ("left", "top", "width", "height"))
            geom = [left, top, left + width, top + height]
            scaled = [1000 * geom[0] // page_w, 1000 * geom[1] // page_h,
                      1000 * geom[2] // page_w, 1000 * geom[3] // page_h]
            words.append(row["text"])
            boxes.append(scaled)
    return words, boxes


class WordFieldTagger(nn.Module):
    def __init__(self, config, n_fields):
        super().__init__()
        self.encoder = LayoutLMModel(config)
        self.head = nn.Linear(config.hidden_size, n_fields)

    def forward(self, token_ids, layout, mask, first_piece):
        hidden = self.encoder(input_ids=token_ids, bbox=layout, attention_mask=mask).last_hidden_state
        word_states = hidden[torch.arange(hidden.size(0)).unsqueeze(1), first_piece]
        return self.head(word_states)


def encode(tokenizer, words, boxes):
    enc = tokenizer(words, is_split_into_words=True, return_tensors="pt")
    spans = enc.word_ids(0)
    layout = torch.tensor([[0, 0, 0, 0] if w is None else boxes[w] for w in spans]).unsqueeze(0)
    first_piece = []
    for pos, w in enumerate(spans):
        if w is not None and (pos == 0 or spans[pos - 1] != w):
            first_piece.append(pos)
    return enc["input_ids"], layout, enc["attention_mask"], torch.tensor([first_piece])


def main():
    scratch = tempfile.mkdtemp(prefix="bol_")
    vocab_path = os.path.join(scratch, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(VOCAB) + "\n")
    tokenizer = BertTokenizer(vocab_path, do_lower_case=True)

    tsv_path = write_ocr_tsv(scratch)
    words, boxes = read_words(tsv_path, page_w=1654, page_h=2339)
    print(f"{len(words)} words, first boxes: {boxes[:3]}")

    config = LayoutLMConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=64,
                            max_position_embeddings=128)
    tagger = WordFieldTagger(config, len(FIELDS)).eval()

    token_ids, layout, mask, first_piece = encode(tokenizer, words, boxes)
    print("tokens:", token_ids.shape[1], "layout:", tuple(layout.shape))
    with torch.no_grad():
        logits = tagger(token_ids, layout, mask, first_piece)

    for word, field_id in zip(words, logits.argmax(-1)[0].tolist()):
        print(f"{word:14s} {FIELDS[field_id]}")


if __name__ == "__main__":
    main()
