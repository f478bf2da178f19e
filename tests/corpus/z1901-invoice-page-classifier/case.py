"""Classify invoice pages (header / line items / totals / terms) from OCR text, layout and a page thumbnail."""
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMModel

torch.manual_seed(0)

PAGE_KINDS = ["header", "line_items", "totals", "terms"]
THUMB_H, THUMB_W = 64, 48
THUMB_CHANNELS = 16
POOL_GRID = (2, 2)
MAX_TOKENS = 40

WORDS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "invoice", "number", "bill", "to", "ship", "qty", "unit",
         "price", "amount", "description", "subtotal", "vat", "total", "due", "payment", "terms",
         "net", "days", "late", "fee", "widget", "bolt", "panel", "acme", "gmbh", "iban"]

PAGES = [
    ("invoice number acme gmbh bill to ship to", "header"),
    ("description qty unit price amount widget bolt panel widget", "line_items"),
    ("subtotal vat total amount due iban", "totals"),
    ("payment terms net days late fee payment due", "terms"),
    ("acme gmbh invoice bill to", "header"),
    ("qty description amount bolt bolt panel unit price", "line_items"),
]


def fake_ocr_boxes(n_words, kind_idx):
    """Lay words out in rows; each page kind gets a different vertical band, coords in 0-1000."""
    boxes = []
    top = 80 + 200 * kind_idx
    for i in range(n_words):
        row, col = divmod(i, 4)
        x0, y0 = 60 + col * 230, top + row * 45
        boxes.append([x0, y0, x0 + 180, y0 + 30])
    return boxes


def render_thumbnail(boxes):
    img = torch.zeros(1, THUMB_H, THUMB_W)
    for x0, y0, x1, y1 in boxes:
        r0, r1 = y0 * THUMB_H // 1000, max(y1 * THUMB_H // 1000, y0 * THUMB_H // 1000 + 1)
        c0, c1 = x0 * THUMB_W // 1000, max(x1 * THUMB_W // 1000, x0 * THUMB_W // 1000 + 1)
        img[0, r0:r1, c0:c1] = 1.0
    return img


class InvoicePageClassifier(nn.Module):
    def __init__(self, cfg, n_kinds):
        super().__init__()
        self.layout_encoder = LayoutLMModel(cfg)
        self.thumb_encoder = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=5, stride=2, padding=2),
            nn.ReLU(),
            nn.Conv2d(8, THUMB_CHANNELS, kernel_size=3, stride=2, padding=1),
            nn.ReLU(),
            nn.AdaptiveAvgPool2d(POOL_GRID),
            nn.Flatten(),
        )
        fused_dim = cfg.hidden_size + THUMB_CHANNELS
        self.head = nn.Sequential(
            nn.Linear(fused_dim, 64),
            nn.ReLU(),
            nn.Dropout(0.1),
            nn.Linear(64, n_kinds),
        )

    def forward(self, token_ids, token_boxes, token_mask, thumbs):
        text = self.layout_encoder(input_ids=token_ids, bbox=token_boxes, attention_mask=token_mask)
        page_vec = text.last_hidden_state[:, 0]
        thumb_vec = self.thumb_encoder(thumbs)
        fused = torch.cat([page_vec, thumb_vec], dim=-1)
        return self.head(fused)


def build_batch(tokenizer, pages):
    ids, boxes, masks, thumbs, kinds = [], [], [], [], []
    for text, kind in pages:
        words = text.split()
        word_boxes = fake_ocr_boxes(len(words), PAGE_KINDS.index(kind))
        tok_ids = [tokenizer.cls_token_id] + tokenizer.convert_tokens_to_ids(words) + [tokenizer.sep_token_id]
        tok_boxes = [[0, 0, 0, 0]] + word_boxes + [[1000, 1000, 1000, 1000]]
        pad = MAX_TOKENS - len(tok_ids)
        ids.append(tok_ids + [tokenizer.pad_token_id] * pad)
        boxes.append(tok_boxes + [[0, 0, 0, 0]] * pad)
        masks.append([1] * len(tok_ids) + [0] * pad)
        thumbs.append(render_thumbnail(word_boxes))
        kinds.append(PAGE_KINDS.index(kind))
    return (torch.tensor(ids), torch.tensor(boxes), torch.tensor(masks),
            torch.stack(thumbs), torch.tensor(kinds))


def main():
    tmp = tempfile.mkdtemp(prefix="invoices_")
    vocab_file = os.path.join(tmp, "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(WORDS) + "\n")
    tokenizer = BertTokenizer(vocab_file)

    cfg = LayoutLMConfig(vocab_size=len(WORDS), hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    clf = InvoicePageClassifier(cfg, len(PAGE_KINDS))
    opt = torch.optim.Adam(clf.parameters(), lr=1e-3)

    token_ids, token_boxes, token_mask, thumbs, kinds = build_batch(tokenizer, PAGES)
    print("thumbs", tuple(thumbs.shape), "tokens", tuple(token_ids.shape))

    for step in range(20):
        logits = clf(token_ids, token_boxes, token_mask, thumbs)
        loss = F.cross_entropy(logits, kinds)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            acc = (logits.argmax(-1) == kinds).float().mean().item()
            print(f"step {step:2d} loss {loss.item():.3f} acc {acc:.2f}")

    clf.eval()
    with torch.no_grad():
        pred = clf(token_ids, token_boxes, token_mask, thumbs).argmax(-1)
    for (text, kind), p in zip(PAGES, pred.tolist()):
        print(f"{kind:>10} -> {PAGE_KINDS[p]:<10} | {text[:40]}")


if __name__ == "__main__":
    main()
