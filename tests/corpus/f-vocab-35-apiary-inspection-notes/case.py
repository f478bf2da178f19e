import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

random.seed(0)
torch.manual_seed(0)

BASE_VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "the", "hive", "colony", "queen", "brood", "frames", "of", "and", "is", "are",
    "strong", "weak", "calm", "no", "eggs", "seen", "capped", "honey", "stores",
    "low", "high", "mites", "on", "drones", "bees", "box", "full", "empty", ".", ",",
]

NOTES = [
    ("the colony is strong and calm , capped brood on frames .", 0),
    ("honey stores high , queen seen , eggs seen .", 0),
    ("hive is queenless , no eggs , drones on frames .", 1),
    ("varroa mites high on drones , brood weak .", 1),
    ("box full of honey , bees calm .", 0),
    ("chalkbrood on frames , colony weak and stores low .", 1),
    ("strong colony , queen seen , brood capped .", 0),
    ("queenless hive , varroa seen , bees weak .", 1),
]

DOMAIN_TERMS = ["varroa", "queenless", "chalkbrood"]


class TextPipeline:
    def __init__(self, workdir, extra_terms, max_len=24):
        vocab_path = os.path.join(workdir, "vocab.txt")
        with open(vocab_path, "w") as fh:
            fh.write("\n".join(BASE_VOCAB) + "\n")
        self.tok = BertTokenizer(vocab_path)
        added = self.tok.add_tokens(extra_terms)
        print(f"added {added} domain terms to tokenizer")
        self.max_len = max_len

    @property
    def n_vocab(self):
        return self.tok.vocab_size

    def encode(self, texts):
        return self.tok(texts, padding="max_length", truncation=True,
                        max_length=self.max_len, return_tensors="pt")


def build_model(pipe, n_labels=2):
    cfg = BertConfig(vocab_size=pipe.n_vocab, hidden_size=32, num_hidden_layers=2,
                     num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=64, num_labels=n_labels)
    return BertForSequenceClassification(cfg)


def batches(rows, size):
    rows = rows[:]
    random.shuffle(rows)
    for i in range(0, len(rows), size):
        chunk = rows[i:i + size]
        yield [t for t, _ in chunk], torch.tensor([y for _, y in chunk])


def main():
    pipe = TextPipeline(tempfile.mkdtemp(), DOMAIN_TERMS)
    model = build_model(pipe)
    print(f"model vocab: {model.config.vocab_size}")
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for epoch in range(3):
        total = 0.0
        for texts, labels in batches(NOTES, 4):
            enc = pipe.encode(texts)
            out = model(**enc, labels=labels)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            total += out.loss.item()
        print(f"epoch {epoch}: loss {total:.4f}")

    model.eval()
    with torch.no_grad():
        enc = pipe.encode(["queenless box , varroa on drones ."])
        pred = model(**enc).logits.argmax(-1).item()
    print("intervention needed" if pred == 1 else "hive healthy")


if __name__ == "__main__":
    main()
