"""Key-value extraction on scanned shipping waybills: OCR TSV -> LayoutLM token tagging."""
import csv
import os
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMForTokenClassification

torch.manual_seed(0)

WAYBILL_FIELDS = ["O", "SENDER", "RECIPIENT", "TRACKING", "WEIGHT"]
LEXICON = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "from", "to", "tracking", "no", "weight", "kg",
           "nordic", "parts", "ab", "lindqvist", "hansen", "oslo", "malmo", "1z", "##99", "##x4",
           "2", "5", "7", ".", ":"]

# (page_id, left, top, width, height, conf, text, field) in pixels of a 1240x1754 scan, like an OCR TSV export
OCR_ROWS = [
    ("wb1", 90, 160, 110, 38, 96, "From:", "O"),
    ("wb1", 230, 160, 180, 38, 94, "Nordic", "SENDER"),
    ("wb1", 430, 160, 150, 38, 95, "Parts", "SENDER"),
    ("wb1", 600, 160, 70, 38, 91, "AB", "SENDER"),
    ("wb1", 90, 420, 70, 38, 97, "To:", "O"),
    ("wb1", 230, 420, 200, 38, 93, "Hansen", "RECIPIENT"),
    ("wb1", 450, 420, 130, 38, 92, "Oslo", "RECIPIENT"),
    ("wb1", 90, 900, 200, 44, 95, "Tracking", "O"),
    ("wb1", 310, 900, 250, 44, 88, "1Z99X4", "TRACKING"),
    ("wb2", 80, 150, 110, 36, 95, "From:", "O"),
    ("wb2", 220, 150, 230, 36, 90, "Lindqvist", "SENDER"),
    ("wb2", 470, 150, 150, 36, 93, "Malmo", "SENDER"),
    ("wb2", 80, 1300, 180, 40, 96, "Weight:", "O"),
    ("wb2", 280, 1300, 90, 40, 92, "2.5", "WEIGHT"),
    ("wb2", 390, 1300, 60, 40, 94, "kg", "WEIGHT"),
]
PAGE_W, PAGE_H = 1240, 1754


def write_ocr_export(folder):
    path = os.path.join(folder, "waybills_ocr.tsv")
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["page", "left", "top", "width", "height", "conf", "text", "field"])
        w.writerows(OCR_ROWS)
    return path


def parse_ocr_tsv(path, min_conf=60):
    pages = {}
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if int(row["conf"]) < min_conf:
                continue
            left, top = int(row["left"]), int(row["top"])
            box = [left, top, left + int(row["width"]), top + int(row["height"])]
            pages.setdefault(row["page"], []).append((row["text"], box, row["field"]))
    return pages


def normalize_box(box, page_w, page_h):
    x0, y0, x1, y1 = box
    return [int(1000 * x0 / page_w), int(1000 * y0 / page_h),
            int(1000 * x1 / page_w), int(1000 * y1 / page_h)]


class WaybillDataset(Dataset):
    def __init__(self, pages, tokenizer):
        self.items = []
        for page_id, words in pages.items():
            toks, bxs, tags = [tokenizer.cls_token_id], [[0, 0, 0, 0]], [-100]
            for text, box, field in words:
                pieces = tokenizer.tokenize(text)
                norm = normalize_box(box, PAGE_W, PAGE_H)
                toks += tokenizer.convert_tokens_to_ids(pieces)
                bxs += [norm] * len(pieces)
                tags += [WAYBILL_FIELDS.index(field)] + [-100] * (len(pieces) - 1)
            toks.append(tokenizer.sep_token_id)
            bxs.append([1000, 1000, 1000, 1000])
            tags.append(-100)
            self.items.append((page_id, toks, bxs, tags))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def pad_collate(batch, pad_id=0):
    width = max(len(toks) for _, toks, _, _ in batch)
    out = {"input_ids": [], "bbox": [], "attention_mask": [], "labels": []}
    for _, toks, bxs, tags in batch:
        gap = width - len(toks)
        out["input_ids"].append(toks + [pad_id] * gap)
        out["bbox"].append(bxs + [[0, 0, 0, 0]] * gap)
        out["attention_mask"].append([1] * len(toks) + [0] * gap)
        out["labels"].append(tags + [-100] * gap)
    return {k: torch.tensor(v) for k, v in out.items()}


def main():
    folder = tempfile.mkdtemp(prefix="waybills_")
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(LEXICON) + "\n")
    tokenizer = BertTokenizer(vocab_path)

    pages = parse_ocr_tsv(write_ocr_export(folder))
    ds = WaybillDataset(pages, tokenizer)
    loader = DataLoader(ds, batch_size=2, shuffle=False, collate_fn=pad_collate)

    cfg = LayoutLMConfig(vocab_size=len(LEXICON), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=64, num_labels=len(WAYBILL_FIELDS))
    model = LayoutLMForTokenClassification(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(4):
        for batch in loader:
            loss = model(**batch).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
        print(f"epoch {epoch}: loss={loss.item():.4f}")

    model.eval()
    batch = next(iter(loader))
    with torch.no_grad():
        tags = model(**{k: v for k, v in batch.items() if k != "labels"}).logits.argmax(-1)
    for row_ids, row_tags in zip(batch["input_ids"], tags):
        print([(t, WAYBILL_FIELDS[g]) for t, g in zip(tokenizer.convert_ids_to_tokens(row_ids), row_tags) if t != "[PAD]"])


if __name__ == "__main__":
    main()
