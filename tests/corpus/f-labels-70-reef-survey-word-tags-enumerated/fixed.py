"""Tag reef-survey dive notes: species, substrate and count mentions get
BIO tags so the transect sheets can be filled in automatically."""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

random.seed(3)
torch.manual_seed(3)

TAGS = ["O", "B-SPECIES", "I-SPECIES", "B-SUBSTRATE", "B-COUNT"]

NOTES = [
    {"words": ["twelve", "parrotfish", "over", "rubble"],
     "tags": ["B-COUNT", "B-SPECIES", "O", "B-SUBSTRATE"]},
    {"words": ["brain-coral", "colony", "bleached"],
     "tags": ["B-SPECIES", "I-SPECIES", "O"]},
    {"words": ["three", "sea-cucumbers", "on", "sand"],
     "tags": ["B-COUNT", "B-SPECIES", "O", "B-SUBSTRATE"]},
    {"words": ["moray", "eel", "under", "ledge"],
     "tags": ["B-SPECIES", "I-SPECIES", "O", "B-SUBSTRATE"]},
    {"words": ["staghorn-coral", "on", "pavement"],
     "tags": ["B-SPECIES", "O", "B-SUBSTRATE"]},
    {"words": ["five", "butterflyfish", "near", "sand"],
     "tags": ["B-COUNT", "B-SPECIES", "O", "B-SUBSTRATE"]},
]


def make_tokenizer(notes):
    pieces = set()
    for note in notes:
        for w in note["words"]:
            pieces.update(w.replace("-", " ").split())
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "-"] + sorted(pieces)
    path = os.path.join(tempfile.mkdtemp(prefix="reef_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path), len(vocab)


def make_collate(tokenizer):
    def collate(examples):
        word_lists = [ex["words"] for ex in examples]
        enc = tokenizer(word_lists, is_split_into_words=True,
                        padding=True, return_tensors="pt")
        rows = []
        for row_i, ex in enumerate(examples):
            tag_ids = [TAGS.index(t) for t in ex["tags"]]
            word_ids = enc.word_ids(row_i)
            rows.append([-100 if w is None else tag_ids[w] for w in word_ids])
        enc["labels"] = torch.tensor(rows)
        return enc
    return collate


def train(model, loader, epochs=2, lr=5e-4):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for epoch in range(epochs):
        total, steps = 0.0, 0
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            total += out.loss.item()
            steps += 1
        print(f"epoch {epoch}: mean loss {total / steps:.4f}")


def main():
    tokenizer, vocab_size = make_tokenizer(NOTES)
    config = BertConfig(
        vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=48, num_labels=len(TAGS),
    )
    model = BertForTokenClassification(config)
    loader = DataLoader(NOTES, batch_size=3, shuffle=True,
                        collate_fn=make_collate(tokenizer))
    print(f"{len(NOTES)} dive notes, {len(TAGS)} tags")
    train(model, loader)

    model.eval()
    sample = NOTES[0]
    enc = tokenizer([sample["words"]], is_split_into_words=True, return_tensors="pt")
    with torch.no_grad():
        pred = model(**enc).logits.argmax(-1)[0].tolist()
    print("predicted:", [TAGS[p] for p in pred])


if __name__ == "__main__":
    main()
