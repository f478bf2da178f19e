import os
import tempfile
from dataclasses import dataclass, field

import torch
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(6)


@dataclass
class TaggerConfig:
    tags: list = field(default_factory=lambda: ["O", "B-DRUG", "I-DRUG", "B-DOSE", "I-DOSE"])
    hidden_size: int = 32
    lr: float = 5e-4
    epochs: int = 3


SENTENCES = [
    (["patient", "took", "ibuprofen", "400", "milligrams", "daily"], ["O", "O", "B-DRUG", "B-DOSE", "I-DOSE", "O"]),
    (["start", "amoxicillin", "500", "mg", "twice"], ["O", "B-DRUG", "B-DOSE", "I-DOSE", "O"]),
    (["stop", "sodium", "valproate", "today"], ["O", "B-DRUG", "I-DRUG", "O"]),
    (["give", "two", "tablets", "of", "paracetamol"], ["O", "B-DOSE", "I-DOSE", "O", "B-DRUG"]),
]
PIECES = ["patient", "took", "ibu", "##profen", "400", "milli", "##grams", "daily", "start", "amox",
          "##icillin", "500", "mg", "twice", "stop", "sodium", "val", "##pro", "##ate", "today",
          "give", "two", "tablet", "##s", "of", "para", "##ceta", "##mol"]


def build_tokenizer(workdir):
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + PIECES) + "\n")
    return BertTokenizer(path)


def align_tags(word_ids, word_tags, tag2id):
    labels, prev = [], None
    for word_id in word_ids:
        if word_id is None:
            labels.append(-100)
        elif word_id != prev:
            labels.append(tag2id[word_tags[word_id]])
        elif word_tags[word_id] == "O":
            labels.append(tag2id["O"])
        else:
            labels.append(tag2id[word_tags[word_id]] + 1)
        prev = word_id
    return labels


def main():
    cfg = TaggerConfig()
    tag2id = {t: i for i, t in enumerate(cfg.tags)}
    tokenizer = build_tokenizer(tempfile.mkdtemp())
    words = [w for w, _ in SENTENCES]
    batch = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")
    labels = [align_tags(batch.word_ids(i), tags, tag2id) for i, (_, tags) in enumerate(SENTENCES)]
    width = batch["input_ids"].size(1)
    labels = torch.tensor([row + [-100] * (width - len(row)) for row in labels])

    model = BertForTokenClassification(BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=cfg.hidden_size, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
        num_labels=len(cfg.tags)))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr)
    model.train()
    for epoch in range(cfg.epochs):
        out = model(**batch, labels=labels)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        print(f"epoch {epoch} loss {out.loss.item():.4f}")


if __name__ == "__main__":
    main()
