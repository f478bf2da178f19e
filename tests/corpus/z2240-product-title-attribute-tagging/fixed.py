"""Fine-tune a tiny BERT tagger to pull attributes (brand / colour / size / material)
out of marketplace product titles.  Catalogue team prototype."""
import os
import random

import torch
from torch.utils.data import Dataset, DataLoader
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

SEED = 13
random.seed(SEED)
torch.manual_seed(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_PATH = os.path.join(HERE, "catalog_vocab.txt")

TAGS = ["O", "B-BRAND", "I-BRAND", "B-COLOR", "B-SIZE", "B-MATERIAL", "B-TYPE"]
label2id = {t: i for i, t in enumerate(TAGS)}
id2label = {i: t for t, i in label2id.items()}

BRANDS = [["nikestar"], ["samsonite"], ["north", "peak"], ["levi"], ["ikea"], ["polyform"]]
COLORS = ["black", "navy", "red", "white", "olive", "grey"]
SIZES = ["xl", "m", "s", "42", "10", "king"]
MATERIALS = ["cotton", "polyester", "leather", "denim", "oak"]
TYPES = ["shirt", "jacket", "sneaker", "backpack", "jeans", "table", "duvet"]
FILLER = ["for", "men", "women", "new", "slim", "fit", "classic", "pack", "of", "2"]


def write_vocab(path):
    pieces = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    pieces += ["nike", "##star", "samson", "##ite", "north", "peak", "levi", "ikea", "poly", "##form",
               "##ester", "black", "navy", "red", "white", "olive", "grey", "xl", "m", "s", "42", "10",
               "king", "cotton", "leather", "denim", "oak", "shirt", "jacket", "sneak", "##er", "back",
               "##pack", "jeans", "table", "duvet", "for", "men", "women", "new", "slim", "fit", "classic",
               "pack", "of", "2"]
    with open(path, "w") as f:
        f.write("\n".join(pieces) + "\n")


def make_title():
    words, tags = [], []
    brand = random.choice(BRANDS)
    for k, w in enumerate(brand):
        words.append(w)
        tags.append("B-BRAND" if k == 0 else "I-BRAND")
    if random.random() < 0.7:
        words.append(random.choice(COLORS)); tags.append("B-COLOR")
    if random.random() < 0.5:
        words.append(random.choice(MATERIALS)); tags.append("B-MATERIAL")
    words.append(random.choice(TYPES)); tags.append("B-TYPE")
    for _ in range(random.randint(0, 3)):
        words.append(random.choice(FILLER)); tags.append("O")
    if random.random() < 0.6:
        words.append(random.choice(SIZES)); tags.append("B-SIZE")
    return words, tags


class ProductTitleDataset(Dataset):
    def __init__(self, n_titles):
        self.examples = []
        for _ in range(n_titles):
            words, tags = make_title()
            self.examples.append({"words": words, "tags": tags})

    def __len__(self):
        return len(self.examples)

    def __getitem__(self, idx):
        return self.examples[idx]


def collate_titles(batch, tokenizer):
    words = [ex["words"] for ex in batch]
    enc = tokenizer(words, is_split_into_words=True, padding=True, return_tensors="pt")

    labels = torch.full(enc["input_ids"].shape, -100, dtype=torch.long)
    for i, ex in enumerate(batch):
        prev_word = None
        for j, word_idx in enumerate(enc.word_ids(i)):
            if word_idx is not None and word_idx != prev_word:
                labels[i, j] = label2id[ex["tags"][word_idx]]
            prev_word = word_idx
    enc["labels"] = labels
    return enc


def build_model():
    cfg = BertConfig(
        vocab_size=64,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=len(TAGS),
        id2label=id2label,
        label2id=label2id,
    )
    return BertForTokenClassification(cfg)


def train(epochs=2, batch_size=8, lr=3e-4):
    write_vocab(VOCAB_PATH)
    tokenizer = BertTokenizer(VOCAB_PATH)
    train_ds = ProductTitleDataset(96)
    loader = DataLoader(train_ds, batch_size=batch_size, shuffle=True,
                        collate_fn=lambda b: collate_titles(b, tokenizer))

    model = build_model()
    optim = torch.optim.AdamW(model.parameters(), lr=lr)
    model.train()
    for epoch in range(epochs):
        running = 0.0
        for step, batch in enumerate(loader):
            out = model(**batch)
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch} loss {running / (step + 1):.4f}")

    model.eval()
    sample = train_ds[0]["words"]
    enc = tokenizer(sample, is_split_into_words=True, return_tensors="pt")
    with torch.no_grad():
        pred = model(**enc).logits.argmax(-1)[0].tolist()
    print(list(zip(tokenizer.convert_ids_to_tokens(enc["input_ids"][0]), [id2label[p] for p in pred])))


if __name__ == "__main__":
    train()
