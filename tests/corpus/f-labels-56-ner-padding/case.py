import os
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

MAX_SEQ = 32
TAGS = ["O", "B-DRUG", "I-DRUG", "B-DOSE", "I-DOSE"]
TAG2ID = {t: i for i, t in enumerate(TAGS)}

SENTENCES = [
    (["patient", "given", "aspirin", "100", "mg"], ["O", "O", "B-DRUG", "B-DOSE", "I-DOSE"]),
    (["start", "metformin", "500", "mg", "daily"], ["O", "B-DRUG", "B-DOSE", "I-DOSE", "O"]),
    (["stop", "ibuprofen"], ["O", "B-DRUG"]),
    (["continue", "insulin", "glargine", "10", "units", "nightly"],
     ["O", "B-DRUG", "I-DRUG", "B-DOSE", "I-DOSE", "O"]),
    (["patient", "refused", "aspirin"], ["O", "O", "B-DRUG"]),
    (["given", "metformin", "daily"], ["O", "B-DRUG", "O"]),
]


def write_vocab(folder):
    words = sorted({w for words, _ in SENTENCES for w in words})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(vocab) + "\n")
    return path


def encode_labels(tags):
    labels = [-100] + [TAG2ID[t] for t in tags] + [-100]
    labels = labels[:MAX_SEQ]
    return labels + [-100] * (MAX_SEQ - len(labels))


class NerCollator:
    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __call__(self, batch):
        words = [b["words"] for b in batch]
        enc = self.tokenizer(
            words,
            is_split_into_words=True,
            padding=True,
            truncation=True,
            max_length=MAX_SEQ,
            return_tensors="pt",
        )
        enc["labels"] = torch.tensor([b["labels"] for b in batch])
        return enc


def main():
    torch.manual_seed(0)
    tmp = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(tmp))
    examples = [{"words": w, "labels": encode_labels(t)} for w, t in SENTENCES]

    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=len(TAGS),
    )
    model = BertForTokenClassification(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
    loader = DataLoader(examples, batch_size=3, shuffle=True, collate_fn=NerCollator(tokenizer))

    model.train()
    for epoch in range(3):
        running = 0.0
        for batch in loader:
            out = model(**batch)
            optimizer.zero_grad()
            out.loss.backward()
            optimizer.step()
            running += out.loss.item()
        print(f"epoch {epoch} loss {running / len(loader):.4f}")


if __name__ == "__main__":
    main()
