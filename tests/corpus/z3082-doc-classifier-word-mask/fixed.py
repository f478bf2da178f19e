import os
import random
import tempfile

import numpy as np
import torch
from transformers import BertTokenizer, LayoutLMConfig, LayoutLMForSequenceClassification

random.seed(0)
np.random.seed(0)
torch.manual_seed(0)

DOC_TYPES = ["invoice", "receipt", "tax_form", "bank_statement"]
MAX_SEQ = 48
SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))

WORDPIECES = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "in", "##vo", "##ice", "re", "##ceipt", "tax", "form", "bank", "state", "##ment",
    "total", "sub", "##total", "balance", "account", "date", "amount", "pay", "##ee",
    "vat", "cash", "card", "due", "ref", "no", "iban", "w", "##2", "##9", "1", "2", "3",
    "4", "5", "6", "7", "8", "9", "0", "##0", "##5", ".", ",", ":",
]
DOC_WORDS = {
    "invoice": ["invoice", "subtotal", "vat", "due", "amount", "payee", "ref"],
    "receipt": ["receipt", "cash", "card", "total", "vat", "change"],
    "tax_form": ["tax", "form", "w2", "w9", "payee", "amount", "date"],
    "bank_statement": ["bank", "statement", "balance", "account", "iban", "date"],
}


def scaler(page_w, page_h):
    def norm(box):
        x0, y0, x1, y1 = box
        return [
            int(1000 * x0 / page_w), int(1000 * y0 / page_h),
            int(1000 * x1 / page_w), int(1000 * y1 / page_h),
        ]
    return norm


def generate_pages(n):
    for i in range(n):
        label = i % len(DOC_TYPES)
        page_w, page_h = random.choice([(612, 792), (595, 842), (1240, 1754)])
        vocab = DOC_WORDS[DOC_TYPES[label]] + ["12.50", "300", "2024"]
        words, boxes = [], []
        y = 40
        while len(words) < random.randint(8, 16):
            x = random.randint(20, page_w // 3)
            text = random.choice(vocab)
            w = 9 * len(text)
            words.append(text)
            boxes.append([x, y, min(page_w - 1, x + w), y + 14])
            y += random.randint(16, 40)
        yield {"words": words, "boxes": boxes, "size": (page_w, page_h), "label": label}


def encode(page, tokenizer):
    norm = scaler(*page["size"])
    token_ids = [tokenizer.cls_token_id]
    token_boxes = [[0, 0, 0, 0]]
    for word, box in zip(page["words"], page["boxes"]):
        pieces = tokenizer.tokenize(word)
        token_ids += tokenizer.convert_tokens_to_ids(pieces)
        token_boxes += [norm(box)] * len(pieces)
    token_ids.append(tokenizer.sep_token_id)
    token_boxes.append([1000, 1000, 1000, 1000])
    word_mask = [1] * len(token_ids)
    return {
        "input_ids": token_ids[:MAX_SEQ],
        "bbox": token_boxes[:MAX_SEQ],
        "attention_mask": word_mask[:MAX_SEQ],
        "label": page["label"],
    }


def batchify(examples, pad_id):
    fills = {"input_ids": pad_id, "bbox": [0, 0, 0, 0], "attention_mask": 0}
    batch = {}
    for key, fill in fills.items():
        seqs = [e[key] for e in examples]
        longest = max(len(s) for s in seqs)
        batch[key] = torch.tensor([s + [fill] * (longest - len(s)) for s in seqs])
    batch["labels"] = torch.tensor([e["label"] for e in examples])
    return batch


def main():
    workdir = tempfile.mkdtemp(dir=SCRIPT_DIR)
    vocab_file = os.path.join(workdir, "vocab.txt")
    with open(vocab_file, "w") as fh:
        fh.write("\n".join(WORDPIECES) + "\n")
    tokenizer = BertTokenizer(vocab_file)
    os.remove(vocab_file)
    os.rmdir(workdir)

    cfg = LayoutLMConfig(
        vocab_size=len(WORDPIECES),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(DOC_TYPES),
    )
    model = LayoutLMForSequenceClassification(cfg)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01)

    examples = [encode(p, tokenizer) for p in generate_pages(32)]
    print("mean tokens/page:", np.mean([len(e["input_ids"]) for e in examples]))

    model.train()
    for step in range(6):
        chunk = random.sample(examples, 8)
        batch = batchify(chunk, tokenizer.pad_token_id)
        output = model(**batch)
        output.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        acc = (output.logits.argmax(-1) == batch["labels"]).float().mean().item()
        print(f"step {step} loss={output.loss.item():.3f} acc={acc:.2f}")


if __name__ == "__main__":
    main()
