"""Course classifier (starter / main / dessert) over full recipe text.

Each recipe is flattened into one sequence: [CLS] title [SEP] ingredients [SEP] steps [SEP].
A segment id tells the encoder which section a token came from, so the model can
learn that "sugar" in the ingredient list matters more than "sugar" in a title pun.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(7)
torch.manual_seed(7)

SECTIONS = ["title", "ingredients", "steps"]
COURSES = ["starter", "main", "dessert"]
MAX_TOKENS = 64

RECIPES = [
    {"title": "chilled cucumber soup", "ingredients": "cucumber yogurt dill garlic salt",
     "steps": "blend cucumber with yogurt chill for an hour", "course": "starter"},
    {"title": "roast chicken thighs", "ingredients": "chicken thighs garlic lemon thyme oil",
     "steps": "rub chicken with oil roast until golden", "course": "main"},
    {"title": "lemon posset", "ingredients": "cream sugar lemon",
     "steps": "boil cream with sugar stir in lemon chill", "course": "dessert"},
    {"title": "garlic bread bites", "ingredients": "bread butter garlic parsley",
     "steps": "spread butter on bread bake until crisp", "course": "starter"},
    {"title": "beef and barley stew", "ingredients": "beef barley carrot onion stock",
     "steps": "brown beef add stock simmer with barley", "course": "main"},
    {"title": "chocolate mousse", "ingredients": "chocolate cream sugar egg",
     "steps": "melt chocolate fold in whipped cream chill", "course": "dessert"},
]


def write_vocab(folder, recipes):
    words = set()
    for r in recipes:
        for sec in SECTIONS:
            words.update(r[sec].split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


def encode_recipe(tok, recipe):
    """Return token ids and per-token section ids (0 is kept for [CLS] and padding)."""
    ids = [tok.cls_token_id]
    sections = [0]
    for sec_idx, sec in enumerate(SECTIONS):
        piece = tok.convert_tokens_to_ids(tok.tokenize(recipe[sec])) + [tok.sep_token_id]
        ids.extend(piece)
        sections.extend([sec_idx + 1] * len(piece))
    return ids[:MAX_TOKENS], sections[:MAX_TOKENS]


def collate(tok, batch):
    encoded = [encode_recipe(tok, r) for r in batch]
    width = max(len(ids) for ids, _ in encoded)
    word_ids = torch.full((len(batch), width), tok.pad_token_id, dtype=torch.long)
    segment_ids = torch.zeros((len(batch), width), dtype=torch.long)
    attn = torch.zeros((len(batch), width), dtype=torch.long)
    for row, (ids, secs) in enumerate(encoded):
        word_ids[row, : len(ids)] = torch.tensor(ids)
        segment_ids[row, : len(secs)] = torch.tensor(secs)
        attn[row, : len(ids)] = 1
    course = torch.tensor([COURSES.index(r["course"]) for r in batch])
    return word_ids, segment_ids, attn, course


class CourseClassifier(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.encoder = BertModel(config, add_pooling_layer=False)
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(config.hidden_size, len(COURSES)))

    def forward(self, word_ids, segment_ids, attn):
        hidden = self.encoder(input_ids=word_ids, token_type_ids=segment_ids,
                              attention_mask=attn).last_hidden_state
        return self.head(hidden[:, 0])


def main():
    workdir = tempfile.mkdtemp(prefix="course_clf_")
    tok = BertTokenizer(write_vocab(workdir, RECIPES))

    config = BertConfig(
        vocab_size=len(tok),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=MAX_TOKENS,
        type_vocab_size=len(SECTIONS) + 1,
    )
    model = CourseClassifier(config)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(3):
        order = RECIPES[:]
        random.shuffle(order)
        total = 0.0
        for start in range(0, len(order), 3):
            word_ids, segment_ids, attn, course = collate(tok, order[start:start + 3])
            logits = model(word_ids, segment_ids, attn)
            loss = loss_fn(logits, course)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total:.3f}")

    model.eval()
    with torch.no_grad():
        word_ids, segment_ids, attn, course = collate(tok, RECIPES)
        pred = model(word_ids, segment_ids, attn).argmax(-1)
    for r, p in zip(RECIPES, pred.tolist()):
        print(f"{r['title']:<24} -> {COURSES[p]}")


if __name__ == "__main__":
    main()
