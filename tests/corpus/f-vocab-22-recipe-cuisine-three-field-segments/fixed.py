import os
import random
import tempfile

import torch
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

RECIPE_FIELDS = ("title", "ingredients", "method")
CUISINES = ["italian", "japanese", "mexican"]
WORDS = {
    "italian": ["basil", "pasta", "parmesan", "risotto", "simmer", "olive"],
    "japanese": ["miso", "dashi", "nori", "soy", "steam", "rice"],
    "mexican": ["tortilla", "chili", "cumin", "lime", "grill", "beans"],
}
COMMON = ["quick", "easy", "stir", "serve", "bake", "chop", "salt", "water"]


def write_vocab(folder):
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + COMMON
    for words in WORDS.values():
        tokens += words
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(tokens) + "\n")
    return path


def make_recipe(rnd):
    label = rnd.randrange(len(CUISINES))
    pool = WORDS[CUISINES[label]] + COMMON
    recipe = {field: " ".join(rnd.choices(pool, k=rnd.randint(3, 8))) for field in RECIPE_FIELDS}
    return recipe, label


def encode(tokenizer, recipe, max_len=48):
    ids, types = [tokenizer.cls_token_id], [0]
    for seg, field in enumerate(RECIPE_FIELDS):
        piece = tokenizer.convert_tokens_to_ids(tokenizer.tokenize(recipe[field])) + [tokenizer.sep_token_id]
        ids += piece
        types += [seg] * len(piece)
    pad = max_len - len(ids)
    return ids + [tokenizer.pad_token_id] * pad, types + [0] * pad, [1] * len(ids) + [0] * pad


def main():
    torch.manual_seed(0)
    rnd = random.Random(0)
    tokenizer = BertTokenizer(write_vocab(tempfile.mkdtemp()))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
                        type_vocab_size=len(RECIPE_FIELDS), num_labels=len(CUISINES))
    model = BertForSequenceClassification(config)
    rows = [make_recipe(rnd) for _ in range(32)]
    encoded = [encode(tokenizer, r) for r, _ in rows]
    input_ids = torch.tensor([e[0] for e in encoded])
    token_type_ids = torch.tensor([e[1] for e in encoded])
    attention_mask = torch.tensor([e[2] for e in encoded])
    labels = torch.tensor([y for _, y in rows])
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model.train()
    for epoch in range(3):
        for i in range(0, len(labels), 16):
            sl = slice(i, i + 16)
            out = model(input_ids=input_ids[sl], token_type_ids=token_type_ids[sl],
                        attention_mask=attention_mask[sl], labels=labels[sl])
            opt.zero_grad()
            out.loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {out.loss.item():.3f}")


if __name__ == "__main__":
    main()
