"""Tagging transaction-table cells on scanned bank statements.

The OCR service returns one entry per word with a pixel bounding box
{"x", "y", "w", "h"}; boxes are rescaled to LayoutLM's 0-1000 grid.
"""
import os
import tempfile

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMForTokenClassification

CELL_TYPES = ["O", "DATE", "DESC", "DEBIT", "CREDIT", "BALANCE"]
STATEMENT_W, STATEMENT_H = 2480, 3508  # A4 at 300 dpi


def word(text, x, y, w, h, cell):
    return {"text": text, "boundingBox": {"x": x, "y": y, "w": w, "h": h}, "cell": cell}


STATEMENTS = [
    [word("date", 150, 900, 160, 50, "O"), word("details", 500, 900, 240, 50, "O"),
     word("balance", 2000, 900, 260, 50, "O"),
     word("03/01", 150, 980, 170, 48, "DATE"), word("salary", 500, 980, 210, 48, "DESC"),
     word("2500.00", 1700, 980, 240, 48, "CREDIT"), word("3120.40", 2000, 980, 240, 48, "BALANCE"),
     word("03/04", 150, 1050, 170, 48, "DATE"), word("rent", 500, 1050, 140, 48, "DESC"),
     word("900.00", 1400, 1050, 220, 48, "DEBIT"), word("2220.40", 2000, 1050, 240, 48, "BALANCE")],
    [word("date", 160, 880, 160, 50, "O"), word("details", 510, 880, 240, 50, "O"),
     word("balance", 2010, 880, 260, 50, "O"),
     word("04/02", 160, 960, 170, 48, "DATE"), word("grocery", 510, 960, 250, 48, "DESC"),
     word("64.15", 1410, 960, 190, 48, "DEBIT"), word("2156.25", 2010, 960, 240, 48, "BALANCE"),
     word("04/09", 160, 1030, 170, 48, "DATE"), word("refund", 510, 1030, 220, 48, "DESC"),
     word("12.99", 1710, 1030, 190, 48, "CREDIT"), word("2169.24", 2010, 1030, 240, 48, "BALANCE")],
]


def scale(v, extent):
    return min(1000, max(0, round(1000 * v / extent)))


def to_layoutlm_box(bb):
    return [scale(bb["x"], STATEMENT_W), scale(bb["y"], STATEMENT_H),
            scale(bb["w"], STATEMENT_W), scale(bb["h"], STATEMENT_H)]


class StatementDataset(Dataset):
    def __init__(self, pages, tokenizer, width=40):
        self.items = [self._encode(p, tokenizer, width) for p in pages]

    @staticmethod
    def _encode(page, tokenizer, width):
        tok_ids, boxes, cells = [tokenizer.cls_token_id], [[0] * 4], [-100]
        for w in page:
            sub = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(w["text"]))
            tok_ids += sub
            boxes += [to_layoutlm_box(w["boundingBox"])] * len(sub)
            cells += [CELL_TYPES.index(w["cell"])] + [-100] * (len(sub) - 1)
        tok_ids.append(tokenizer.sep_token_id)
        boxes.append([1000] * 4)
        cells.append(-100)
        fill = width - len(tok_ids)
        return {
            "input_ids": torch.tensor(tok_ids + [tokenizer.pad_token_id] * fill),
            "bbox": torch.tensor(boxes + [[0] * 4] * fill),
            "attention_mask": torch.tensor([1] * len(tok_ids) + [0] * fill),
            "labels": torch.tensor(cells + [-100] * fill),
        }

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def write_vocab(folder):
    pieces = {"/", "."}
    for page in STATEMENTS:
        for w in page:
            pieces.update(w["text"].replace("/", " ").replace(".", " ").split())
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(pieces)) + "\n")
    return path


def main():
    torch.manual_seed(11)
    with tempfile.TemporaryDirectory() as folder:
        tokenizer = BertTokenizer(write_vocab(folder))
    data = StatementDataset(STATEMENTS, tokenizer)
    loader = DataLoader(data, batch_size=2)

    cfg = LayoutLMConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                         num_labels=len(CELL_TYPES))
    model = LayoutLMForTokenClassification(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=4e-3)

    for epoch in range(5):
        running = 0.0
        for batch in loader:
            loss = model(**batch).loss
            loss.backward()
            opt.step()
            opt.zero_grad()
            running += loss.item()
        print(f"epoch {epoch}: {running / len(loader):.4f}")

    model.eval()
    first = data[0]
    with torch.no_grad():
        logits = model(input_ids=first["input_ids"][None], bbox=first["bbox"][None],
                       attention_mask=first["attention_mask"][None]).logits
    tagged = logits.argmax(-1)[0][first["labels"] != -100]
    print("cells:", [CELL_TYPES[i] for i in tagged.tolist()])


if __name__ == "__main__":
    main()
