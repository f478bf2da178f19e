import os
import random

import torch
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMForTokenClassification

random.seed(11)
torch.manual_seed(11)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "vocab.txt")

MAX_WORDS = 48
MAX_TOKENS = 64
KV_LABELS = ["O", "B-KEY", "I-KEY", "B-VALUE", "I-VALUE"]
KEYS = ["invoice", "date", "total", "vendor", "address", "due", "amount", "tax", "number", "phone"]
VALUES = ["acme", "corp", "street", "paid", "net", "eur", "usd", "main", "north", "ltd", "inc"]


def write_vocab(path):
    pieces = ["##s", "##ed", "##ing", "##er", "##al"]
    digits = [str(d) for d in range(10)] + [f"##{d}" for d in range(10)]
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ":", "#", "/", "."] + KEYS + VALUES + pieces + digits
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")


def synth_form(page_w, page_h):
    words = []
    y = 40.0
    for _ in range(random.randint(6, 12)):
        x = 50.0
        key = random.choice(KEYS)
        value = [random.choice(VALUES + ["2024", "1375", "19.99"]) for _ in range(random.randint(1, 3))]
        for i, tok in enumerate([key + ":"] + value):
            width = 9.0 * len(tok)
            label = ("B-KEY" if i == 0 else ("B-VALUE" if i == 1 else "I-VALUE"))
            words.append({"text": tok, "box": [x, y, x + width, y + 14], "label": label})
            x += width + 6
        y += 24
    return {"width": page_w, "height": page_h, "words": words}


def norm_box(box, w, h):
    return [min(1000, int(1000 * box[0] / w)), min(1000, int(1000 * box[1] / h)),
            min(1000, int(1000 * box[2] / w)), min(1000, int(1000 * box[3] / h))]


def word_mask(forms, max_words):
    mask = torch.zeros(len(forms), max_words, dtype=torch.long)
    for i, f in enumerate(forms):
        mask[i, :min(len(f["words"]), max_words)] = 1
    return mask


def encode_forms(forms, tokenizer, label2id):
    texts = [[w["text"] for w in f["words"]] for f in forms]
    enc = tokenizer(texts, is_split_into_words=True, truncation=True, padding="max_length",
                    max_length=MAX_TOKENS, return_tensors="pt")
    bboxes, labels = [], []
    for i, f in enumerate(forms):
        boxes = [norm_box(w["box"], f["width"], f["height"]) for w in f["words"]]
        prev = None
        row_b, row_l = [], []
        for wid in enc.word_ids(i):
            if wid is None:
                row_b.append([0, 0, 0, 0])
                row_l.append(-100)
            else:
                row_b.append(boxes[wid])
                row_l.append(label2id[f["words"][wid]["label"]] if wid != prev else -100)
            prev = wid
        bboxes.append(row_b)
        labels.append(row_l)
    return {
        "input_ids": enc["input_ids"],
        "bbox": torch.tensor(bboxes),
        "attention_mask": enc["attention_mask"],
        "labels": torch.tensor(labels),
    }


def main():
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    label2id = {l: i for i, l in enumerate(KV_LABELS)}
    config = LayoutLMConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                            num_attention_heads=2, intermediate_size=64, max_position_embeddings=128,
                            max_2d_position_embeddings=1024, num_labels=len(KV_LABELS))
    model = LayoutLMForTokenClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)

    page_sizes = [(612, 792), (595, 842), (816, 1056)]
    forms = [synth_form(*random.choice(page_sizes)) for _ in range(16)]
    model.train()
    for epoch in range(2):
        for start in range(0, len(forms), 4):
            batch = encode_forms(forms[start:start + 4], tokenizer, label2id)
            out = model(**batch)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
        print(f"epoch {epoch} loss {out.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        batch = encode_forms(forms[:2], tokenizer, label2id)
        pred = model(**batch).logits.argmax(-1)
    ids = batch["input_ids"][0].tolist()
    toks = tokenizer.convert_ids_to_tokens(ids)
    print([(t, KV_LABELS[p]) for t, p in zip(toks, pred[0].tolist()) if t != "[PAD]"][:12])


if __name__ == "__main__":
    main()
