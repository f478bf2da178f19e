import os
import random

import numpy as np
import torch
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMForTokenClassification

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "vocab.txt")

FIELD_TAGS = ["O", "B-INVOICE_NO", "I-INVOICE_NO", "B-DATE", "I-DATE",
              "B-TOTAL", "I-TOTAL", "B-VENDOR", "I-VENDOR"]
TAG2ID = {t: i for i, t in enumerate(FIELD_TAGS)}
IGNORE = -100

WORDS_BY_FIELD = {
    "O": ["please", "remit", "to", "thank", "you", "page", "of", "terms", "net", "due"],
    "INVOICE_NO": ["inv", "##oice", "no", "12345", "a77", "0042"],
    "DATE": ["march", "12", "2023", "jan", "05", "2024"],
    "TOTAL": ["total", "amount", "1", "250", "00", "usd"],
    "VENDOR": ["acme", "corp", "globex", "ltd", "initech", "inc"],
}


def write_vocab(path):
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    pieces = set()
    for words in WORDS_BY_FIELD.values():
        pieces.update(words)
    pieces.update(["##s", "##ed", "##ing", "##0", "##1", "##2", "##3"])
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(pieces)) + "\n")


def synth_form(rng, page_w, page_h):
    words, boxes, tags = [], [], []
    y = rng.uniform(40, 80)
    for field in rng.sample(list(WORDS_BY_FIELD), k=5):
        x = rng.uniform(30, 60)
        n = rng.randint(1, 4)
        for j in range(n):
            w = rng.choice([t for t in WORDS_BY_FIELD[field] if not t.startswith("##")])
            if rng.random() < 0.3:
                w = w + rng.choice(["s", "ed", "ing", "0", "12"])
            width = 9 * len(w) * page_w / 612
            words.append(w)
            boxes.append((x, y, x + width, y + 14 * page_h / 792))
            tags.append("O" if field == "O" else ("B-" if j == 0 else "I-") + field)
            x += width + rng.uniform(4, 12)
        y += rng.uniform(25, 60) * page_h / 792
    return words, boxes, tags


def to_grid(box, page_w, page_h):
    x0, y0, x1, y1 = box
    return [int(min(1000, max(0, 1000 * v / s)))
            for v, s in ((x0, page_w), (y0, page_h), (x1, page_w), (y1, page_h))]


def pad_labels(label_ids, max_length=128):
    label_ids = label_ids[: max_length]
    return label_ids + [IGNORE] * (max_length - len(label_ids))


def encode_page(tokenizer, words, boxes, tags, page_w, page_h, max_length=64):
    ids, bbox, label_ids = [tokenizer.cls_token_id], [[0, 0, 0, 0]], [IGNORE]
    for word, box, tag in zip(words, boxes, tags):
        pieces = tokenizer.tokenize(word)
        grid_box = to_grid(box, page_w, page_h)
        for k, piece in enumerate(pieces):
            ids.append(tokenizer.convert_tokens_to_ids(piece))
            bbox.append(grid_box)
            label_ids.append(TAG2ID[tag] if k == 0 else IGNORE)
    ids, bbox, label_ids = ids[: max_length - 1], bbox[: max_length - 1], label_ids[: max_length - 1]
    ids.append(tokenizer.sep_token_id)
    bbox.append([1000, 1000, 1000, 1000])
    label_ids.append(IGNORE)
    n_pad = max_length - len(ids)
    attention = [1] * len(ids) + [0] * n_pad
    ids += [tokenizer.pad_token_id] * n_pad
    bbox += [[0, 0, 0, 0]] * n_pad
    return {
        "input_ids": ids,
        "bbox": bbox,
        "attention_mask": attention,
        "labels": pad_labels(label_ids),
    }


def batches(encoded, batch_size):
    for start in range(0, len(encoded), batch_size):
        chunk = encoded[start:start + batch_size]
        yield {key: torch.tensor([ex[key] for ex in chunk]) for key in chunk[0]}


def main():
    rng = random.Random(7)
    np.random.seed(7)
    torch.manual_seed(7)
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)

    page_sizes = [(612, 792), (595, 842), (1700, 2200)]
    encoded = []
    for _ in range(24):
        pw, ph = rng.choice(page_sizes)
        words, boxes, tags = synth_form(rng, pw, ph)
        encoded.append(encode_page(tokenizer, words, boxes, tags, pw, ph))

    config = LayoutLMConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        max_2d_position_embeddings=1024,
        num_labels=len(FIELD_TAGS),
    )
    model = LayoutLMForTokenClassification(config)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model.train()
    for epoch in range(3):
        losses = []
        for batch in batches(encoded, batch_size=4):
            out = model(**batch)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            losses.append(out.loss.item())
        print(f"epoch {epoch} mean loss {np.mean(losses):.4f}")


if __name__ == "__main__":
    main()
