import os
import tempfile

import numpy as np
import torch
from sklearn.model_selection import train_test_split
from transformers import BertConfig, BertForTokenClassification, BertTokenizer

torch.manual_seed(3)
np.random.seed(3)

INGREDIENT_LINES = """2 cups flour|QTY UNIT FOOD
1 tsp salt|QTY UNIT FOOD
3 large eggs|QTY SIZE FOOD
half cup sugar|QTY UNIT FOOD
1 pinch pepper|QTY UNIT FOOD
200 g butter|QTY UNIT FOOD
4 small onions chopped|QTY SIZE FOOD PREP
2 tbsp olive oil|QTY UNIT FOOD FOOD
1 cup milk warmed|QTY UNIT FOOD PREP
3 cloves garlic minced|QTY UNIT FOOD PREP
500 g chicken diced|QTY UNIT FOOD PREP
2 large carrots sliced|QTY SIZE FOOD PREP
1 tsp baking soda|QTY UNIT FOOD FOOD
half tsp ground cinnamon|QTY UNIT PREP FOOD
6 small potatoes peeled|QTY SIZE FOOD PREP
1 tbsp honey|QTY UNIT FOOD"""


def write_corpus(folder):
    path = os.path.join(folder, "ingredients.txt")
    with open(path, "w") as fh:
        fh.write(INGREDIENT_LINES + "\n")
    return path


def write_vocab(folder, phrases):
    words = sorted({w for p in phrases for w in p.split()})
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + words) + "\n")
    return path


def load_rows(path):
    rows = np.genfromtxt(path, delimiter="|", dtype=str, comments=None)
    phrases = rows[:, 0]
    tag_strings = rows[:, 1]
    return phrases, tag_strings


def encode_tags(tag_strings):
    flat = np.concatenate([t.split() for t in tag_strings])
    tag_names, flat_codes = np.unique(flat, return_inverse=True)
    lengths = np.array([len(t.split()) for t in tag_strings])
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    per_phrase = [flat_codes[offsets[i]:offsets[i + 1]] for i in range(len(tag_strings))]
    return tag_names, per_phrase, lengths


def pad_tag_matrix(per_phrase, width, fill=-100):
    mat = np.full((len(per_phrase), width), fill, dtype=np.int64)
    for row, codes in enumerate(per_phrase):
        mat[row, :len(codes)] = codes
    return mat


def build_tagger(tokenizer, n_tags):
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=n_tags,
    )
    return BertForTokenClassification(cfg)


def main():
    workdir = tempfile.mkdtemp(prefix="recipes_")
    corpus_path = write_corpus(workdir)
    phrases, tag_strings = load_rows(corpus_path)
    vocab_path = write_vocab(workdir, phrases)
    tokenizer = BertTokenizer(vocab_path)

    tag_names, per_phrase, word_counts = encode_tags(tag_strings)
    print("tags:", tag_names.tolist())

    max_words = int(word_counts.max())
    enc = tokenizer(list(phrases), padding="max_length", max_length=max_words + 2,
                    truncation=True, return_tensors="np")
    piece_ids = enc["input_ids"]
    attn = enc["attention_mask"]

    tag_matrix = pad_tag_matrix(per_phrase, max_words)

    idx = np.arange(len(phrases))
    tr_idx, va_idx = train_test_split(idx, test_size=0.25, random_state=0)

    tagger = build_tagger(tokenizer, len(tag_names))
    optim = torch.optim.AdamW(tagger.parameters(), lr=5e-3)

    batch = 4
    for epoch in range(3):
        np.random.shuffle(tr_idx)
        tagger.train()
        running = 0.0
        for s in range(0, len(tr_idx), batch):
            sel = tr_idx[s:s + batch]
            out = tagger(
                input_ids=torch.from_numpy(piece_ids[sel]),
                attention_mask=torch.from_numpy(attn[sel]),
                labels=torch.from_numpy(tag_matrix[sel]),
            )
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            running += out.loss.item()
        print(f"epoch {epoch} loss {running:.3f}")

    tagger.eval()
    with torch.no_grad():
        logits = tagger(input_ids=torch.from_numpy(piece_ids[va_idx]),
                        attention_mask=torch.from_numpy(attn[va_idx])).logits
    pred = logits.argmax(-1).numpy()
    gold = tag_matrix[va_idx]
    keep = gold != -100
    print("val token accuracy:", float((pred[keep] == gold[keep]).mean()))


if __name__ == "__main__":
    main()
