import os
import random
import string
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(0)
random.seed(0)

STATUSES = ["healthy", "queenless", "swarming", "varroa"]
NOTES = [
    ("brood pattern solid queen seen calm colony", "healthy"),
    ("eggs present capped brood good stores", "healthy"),
    ("no eggs no queen seen colony loud", "queenless"),
    ("emergency cells drawn no eggs found", "queenless"),
    ("many queen cells on frame bottoms crowded", "swarming"),
    ("crowded boxes queen cells capped bees hanging", "swarming"),
    ("mites on drones deformed wings seen", "varroa"),
    ("high mite drop deformed wings weak brood", "varroa"),
]

# characters used to inject typos into the notes
NOTE_CHARS = sorted(set("".join(t for t, _ in NOTES)) | set(string.ascii_lowercase + string.digits + string.punctuation))


def build_tokenizer():
    words = sorted({w for text, _ in NOTES for w in text.split()})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


class NoteAugmenter:
    def __init__(self, tokenizer, symbols, typo_p=0.03, swap_p=0.2, seed=0):
        self.tokenizer = tokenizer
        self.symbols = symbols
        self.typo_p = typo_p
        self.swap_p = swap_p
        self.rng = random.Random(seed)

    def add_typos(self, text):
        chars = list(text)
        for j, c in enumerate(chars):
            if c != " " and self.rng.random() < self.typo_p:
                chars[j] = self.rng.choice(self.symbols)
        return "".join(chars)

    def swap_tokens(self, ids):
        out = list(ids)
        for j in range(1, len(out) - 1):
            if self.rng.random() < self.swap_p:
                out[j] = self.rng.randrange(len(self.symbols))
        return out

    def __call__(self, text):
        return self.swap_tokens(self.tokenizer.encode(self.add_typos(text)))


def make_batch(tokenizer, notes, augment=None):
    if augment is not None:
        encoded = [augment(text) for text, _ in notes]
    else:
        encoded = [tokenizer.encode(text) for text, _ in notes]
    longest = max(len(ids) for ids in encoded)
    input_ids = torch.full((len(encoded), longest), tokenizer.pad_token_id)
    for row, ids in enumerate(encoded):
        input_ids[row, : len(ids)] = torch.tensor(ids)
    labels = torch.tensor([STATUSES.index(s) for _, s in notes])
    return input_ids, (input_ids != tokenizer.pad_token_id).long(), labels


def main():
    tokenizer = build_tokenizer()
    config = BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=32, num_labels=len(STATUSES),
    )
    model = BertForSequenceClassification(config)
    augment = NoteAugmenter(tokenizer, NOTE_CHARS)
    print(f"vocab {tokenizer.vocab_size}, {len(NOTES)} inspection notes, {len(STATUSES)} statuses")

    opt = torch.optim.AdamW(model.parameters(), lr=5e-3)
    model.train()
    for epoch in range(40):
        input_ids, attention_mask, labels = make_batch(tokenizer, NOTES, augment)
        out = model(input_ids=input_ids, attention_mask=attention_mask, labels=labels)
        opt.zero_grad()
        out.loss.backward()
        opt.step()
        if epoch % 10 == 0:
            print(f"epoch {epoch}: loss {out.loss.item():.4f}")

    model.eval()
    input_ids, attention_mask, labels = make_batch(tokenizer, NOTES)
    with torch.no_grad():
        pred = model(input_ids=input_ids, attention_mask=attention_mask).logits.argmax(-1)
    print(f"train accuracy: {(pred == labels).float().mean().item():.2f}")


if __name__ == "__main__":
    main()
