import os
import random

import torch
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMForTokenClassification

SEED = 7
MAX_TOKENS = 64
LABELS = ["O", "B-KEY", "I-KEY", "B-VALUE", "I-VALUE", "B-HEADER"]
PAGE_SIZES = {"letter": (612, 792), "a4": (595, 842), "scan300": (2480, 3508)}

random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "vocab.txt")

KEYS = ["invoice", "number", "date", "total", "amount", "due", "customer", "address", "tax", "subtotal"]
VALUES = ["acme", "corp", "street", "road", "paid", "usd", "eur", "net", "thirty", "days"]
SUBWORDS = ["##s", "##ed", "##ing", "##al", "##er", "##ly"]


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    digits = [str(d) for d in range(10)] + ["##" + str(d) for d in range(10)]
    tokens = specials + KEYS + VALUES + SUBWORDS + digits + [":", "#", "/", "."]
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")


def synth_page(page_id):
    kind = random.choice(list(PAGE_SIZES))
    width, height = PAGE_SIZES[kind]
    words = []
    n_lines = random.randint(6, 14)
    for line in range(n_lines):
        y0 = int((line + 1) * height / (n_lines + 2))
        x = int(0.05 * width)
        key = random.choice(KEYS)
        value_words = [random.choice(VALUES + ["12345", "2023", "998"]) for _ in range(random.randint(1, 3))]
        for j, w in enumerate([key, ":"] + value_words):
            wlen = int(width * (0.012 * len(w) + 0.01))
            tag = "KEY" if j == 0 else ("O" if w == ":" else "VALUE")
            words.append({"text": w, "box": [x, y0, x + wlen, y0 + int(height * 0.015)], "tag": tag})
            x += wlen + int(width * 0.01)
    return {"page_id": page_id, "kind": kind, "width": width, "height": height, "words": words}


def normalize_box(box, width, height):
    x0, y0, x1, y1 = box
    return [
        min(1000, int(1000 * x0 / width)),
        min(1000, int(1000 * y0 / height)),
        min(1000, int(1000 * x1 / width)),
        min(1000, int(1000 * y1 / height)),
    ]


def encode_page(page, tokenizer):
    label2id = {l: i for i, l in enumerate(LABELS)}
    ids, boxes, labels = [], [], []
    for word in page["words"]:
        pieces = tokenizer.tokenize(word["text"]) or [tokenizer.unk_token]
        nbox = normalize_box(word["box"], page["width"], page["height"])
        for k, piece in enumerate(pieces):
            ids.append(tokenizer.convert_tokens_to_ids(piece))
            boxes.append(nbox)
            if word["tag"] == "O":
                labels.append(label2id["O"])
            else:
                labels.append(label2id[("B-" if k == 0 else "I-") + word["tag"]])
    return ids, boxes, labels


def page_windows(ids, boxes, labels, tokenizer, max_len=MAX_TOKENS):
    for start in range(0, len(ids), max_len):
        chunk = slice(start, start + max_len)
        yield {
            "input_ids": [tokenizer.cls_token_id] + ids[chunk] + [tokenizer.sep_token_id],
            "bbox": [[0, 0, 0, 0]] + boxes[chunk] + [[1000, 1000, 1000, 1000]],
            "labels": [-100] + labels[chunk] + [-100],
        }


def collate(windows, pad_id):
    longest = max(len(w["input_ids"]) for w in windows)
    batch = {"input_ids": [], "bbox": [], "labels": [], "attention_mask": []}
    for w in windows:
        pad = longest - len(w["input_ids"])
        batch["input_ids"].append(w["input_ids"] + [pad_id] * pad)
        batch["bbox"].append(w["bbox"] + [[0, 0, 0, 0]] * pad)
        batch["labels"].append(w["labels"] + [-100] * pad)
        batch["attention_mask"].append([1] * len(w["input_ids"]) + [0] * pad)
    return {k: torch.tensor(v) for k, v in batch.items()}


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH, do_lower_case=True)

    config = LayoutLMConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_TOKENS,
        max_2d_position_embeddings=1024,
        num_labels=len(LABELS),
    )
    model = LayoutLMForTokenClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    pages = [synth_page(i) for i in range(12)]
    windows = []
    for page in pages:
        ids, boxes, labels = encode_page(page, tokenizer)
        windows.extend(page_windows(ids, boxes, labels, tokenizer))
    print(f"{len(pages)} pages -> {len(windows)} windows")

    model.train()
    batch_size = 4
    for epoch in range(2):
        random.shuffle(windows)
        total = 0.0
        for i in range(0, len(windows), batch_size):
            batch = collate(windows[i:i + batch_size], tokenizer.pad_token_id)
            out = model(**batch)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            total += out.loss.item()
        print(f"epoch {epoch}: loss {total:.4f}")

    os.remove(VOCAB_PATH)


if __name__ == "__main__":
    main()
