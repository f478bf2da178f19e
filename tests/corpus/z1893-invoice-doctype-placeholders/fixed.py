"""Document-type classifier for scanned invoices / credit notes / purchase orders.

Money amounts and dates vary wildly between suppliers, so before tokenisation every
amount and date in the OCR stream is replaced by a placeholder token that we register
with the tokenizer. One training step of LayoutLMForSequenceClassification on toy pages.
"""
import os
import re
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMForSequenceClassification

torch.manual_seed(0)

DOC_TYPES = ["invoice", "credit_note", "purchase_order"]
AMOUNT_RE = re.compile(r"^\$?\d[\d,]*\.\d{2}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PLACEHOLDERS = ["<amount>", "<date>"]

BASE_WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
              "invoice", "credit", "note", "purchase", "order", "no", "bill", "to", "ship",
              "due", "date", "total", "amount", "vat", "net", "refund", "qty", "unit",
              "price", "supplier", "acme", "ltd", "gmbh", "widget", "##s", "service", "fee",
              "#", ":", "po", "-", "ref"]

# each page: OCR tokens with pixel boxes on a 2480x3508 (A4 @ 300 dpi) scan
PAGES = [
    ("invoice", [("INVOICE", (200, 180, 820, 300)), ("No:", (200, 380, 330, 430)),
                 ("Acme", (900, 380, 1100, 430)), ("Ltd", (1120, 380, 1220, 430)),
                 ("2024-03-01", (1700, 380, 2100, 430)), ("widgets", (200, 900, 480, 950)),
                 ("$1,240.00", (1900, 900, 2250, 950)), ("Total", (1500, 2900, 1700, 2960)),
                 ("$1,488.00", (1900, 2900, 2250, 2960))]),
    ("credit_note", [("Credit", (200, 180, 600, 300)), ("Note", (640, 180, 900, 300)),
                     ("ref", (200, 380, 300, 430)), ("2024-02-11", (1700, 380, 2100, 430)),
                     ("refund", (200, 900, 450, 950)), ("-", (1850, 900, 1880, 950)),
                     ("$95.50", (1900, 900, 2150, 950))]),
    ("purchase_order", [("Purchase", (200, 180, 700, 300)), ("Order", (740, 180, 1050, 300)),
                        ("PO", (200, 380, 300, 430)), ("supplier", (200, 500, 500, 550)),
                        ("Acme", (520, 500, 720, 550)), ("GmbH", (740, 500, 950, 550)),
                        ("qty", (200, 900, 320, 950)), ("unit", (400, 900, 540, 950)),
                        ("price", (560, 900, 740, 950)), ("$12.00", (1900, 900, 2150, 950))]),
]
PAGE_W, PAGE_H = 2480, 3508


def canonical(word):
    if AMOUNT_RE.match(word):
        return "<amount>"
    if DATE_RE.match(word):
        return "<date>"
    return word


class InvoicePages(Dataset):
    def __init__(self, pages):
        self.pages = pages

    def __len__(self):
        return len(self.pages)

    def __getitem__(self, i):
        doc_type, ocr = self.pages[i]
        words = [canonical(w) for w, _ in ocr]
        boxes = [[int(1000 * x0 / PAGE_W), int(1000 * y0 / PAGE_H),
                  int(1000 * x1 / PAGE_W), int(1000 * y1 / PAGE_H)] for _, (x0, y0, x1, y1) in ocr]
        return words, boxes, DOC_TYPES.index(doc_type)


def make_collate(tokenizer):
    def collate(items):
        words = [it[0] for it in items]
        enc = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
        layout = torch.zeros(enc["input_ids"].shape + (4,), dtype=torch.long)
        for b, (_, boxes, _) in enumerate(items):
            for pos, w in enumerate(enc.word_ids(b)):
                if w is not None:
                    layout[b, pos] = torch.tensor(boxes[w])
        enc["bbox"] = layout
        enc["labels"] = torch.tensor([it[2] for it in items])
        return enc
    return collate


def main():
    vocab_dir = tempfile.mkdtemp()
    vocab_path = os.path.join(vocab_dir, "invoice_vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(BASE_WORDS) + "\n")
    tokenizer = BertTokenizer(vocab_path, do_lower_case=True)
    tokenizer.add_tokens(PLACEHOLDERS)

    config = LayoutLMConfig(
        vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
        num_labels=len(DOC_TYPES),
    )
    classifier = LayoutLMForSequenceClassification(config)
    optim = torch.optim.AdamW(classifier.parameters(), lr=5e-4)

    loader = DataLoader(InvoicePages(PAGES), batch_size=3, shuffle=False,
                        collate_fn=make_collate(tokenizer))
    classifier.train()
    for step, batch in enumerate(loader):
        out = classifier(**batch)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
        print(f"step {step} loss {out.loss.item():.4f}")

    classifier.eval()
    with torch.no_grad():
        batch = next(iter(loader))
        guess = classifier(**batch).logits.argmax(-1).tolist()
    print("predicted:", [DOC_TYPES[g] for g in guess])


if __name__ == "__main__":
    main()
