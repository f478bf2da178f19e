"""Classify recipe instructions into dish course (starter / main / dessert)
with a tiny BERT trained from scratch on a handful of toy recipes."""
import os
import tempfile

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

COURSES = ["starter", "main", "dessert"]
STEP_POSITIONS = 32

RECIPES = [
    ("whisk the eggs with sugar . fold in flour . bake the sponge for twenty minutes . "
     "let it cool . whip the cream . spread cream over the sponge . top with berries . "
     "dust with sugar . chill for one hour . slice and serve cold", "dessert"),
    ("slice the tomatoes . tear the basil . drizzle with oil . season with salt", "starter"),
    ("sear the beef in a hot pan . add onions and garlic . deglaze with wine . "
     "add stock and simmer for two hours . season with salt and pepper . "
     "thicken the sauce with butter . rest the meat . slice the beef . "
     "serve with mashed potatoes and the sauce", "main"),
    ("toast the bread . rub with garlic . top with tomatoes and oil", "starter"),
    ("melt the chocolate with butter . whisk in eggs and sugar . fold in flour . "
     "bake for twelve minutes . serve warm with cream", "dessert"),
    ("boil the pasta . fry the bacon . mix eggs and cheese . toss the pasta with "
     "bacon and the egg mixture . season with pepper and serve", "main"),
]


def write_kitchen_vocab(folder):
    words = set()
    for text, _ in RECIPES:
        words.update(text.split())
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)
    path = os.path.join(folder, "kitchen_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(tokens) + "\n")
    return path


class CourseClassifier(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        cfg = BertConfig(
            vocab_size=vocab_size,
            hidden_size=32,
            num_hidden_layers=1,
            num_attention_heads=2,
            intermediate_size=64,
            max_position_embeddings=STEP_POSITIONS,
        )
        self.encoder = BertModel(cfg)
        self.course_head = nn.Linear(cfg.hidden_size, len(COURSES))

    def forward(self, step_ids, step_mask):
        out = self.encoder(input_ids=step_ids, attention_mask=step_mask)
        return self.course_head(out.last_hidden_state[:, 0])


def encode_instructions(tokenizer, texts):
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    # long recipes do not fit the position table, keep the first steps only
    step_ids = enc["input_ids"][:, :STEP_POSITIONS]
    step_mask = enc["attention_mask"][:, :STEP_POSITIONS]
    return step_ids, step_mask


def batches(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def main():
    workdir = tempfile.mkdtemp(prefix="courses_")
    tokenizer = BertTokenizer(write_kitchen_vocab(workdir))
    model = CourseClassifier(tokenizer.vocab_size)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        running = 0.0
        for chunk in batches(RECIPES, 3):
            texts = [t for t, _ in chunk]
            course_idx = torch.tensor([COURSES.index(c) for _, c in chunk])
            step_ids, step_mask = encode_instructions(tokenizer, texts)
            logits = model(step_ids, step_mask)
            loss = loss_fn(logits, course_idx)
            optim.zero_grad()
            loss.backward()
            optim.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running:.3f}")

    model.eval()
    with torch.no_grad():
        probe = ["slice the cream sponge and serve cold", "sear the beef and serve with sauce"]
        ids, mask = encode_instructions(tokenizer, probe)
        pred = model(ids, mask).argmax(-1).tolist()
    for text, p in zip(probe, pred):
        print(f"{COURSES[p]:>8}  <- {text}")


if __name__ == "__main__":
    main()
