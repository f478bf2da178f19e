"""Fine-tune a tiny T5 to compress recipe instructions into one-line summaries.

Prototype for the recipe-card project: whitespace vocabulary, random weights,
a few epochs over an inline set, then greedy summaries for a sanity check.
"""
import random

import torch
from torch.utils.data import DataLoader
from transformers import T5Config, T5ForConditionalGeneration

random.seed(3)
torch.manual_seed(3)

RECIPES = [
    ("preheat the oven . mix flour sugar and butter . bake for twenty minutes until golden",
     "bake a golden butter cake"),
    ("boil the pasta in salted water . fry garlic in olive oil . toss the pasta with garlic",
     "garlic pasta with olive oil"),
    ("chop the onions and carrots . simmer with stock for an hour . blend until smooth",
     "smooth carrot soup"),
    ("whisk the eggs with milk . pour into a hot pan . fold when set",
     "quick folded omelette"),
    ("marinate the chicken overnight . grill over high heat . rest before slicing",
     "grilled marinated chicken"),
    ("soak the rice . cook with coconut milk . serve with mango slices",
     "coconut rice with mango"),
    ("slice the potatoes thin . layer with cream and cheese . bake until bubbling",
     "creamy potato gratin"),
    ("toast the bread . rub with tomato and garlic . drizzle olive oil on top",
     "tomato garlic toast"),
]

PAD, EOS, UNK = "<pad>", "</s>", "<unk>"
MAX_STEPS_LEN = 32
MAX_SUMMARY_LEN = 10


def build_vocab(pairs):
    words = sorted({w for src, tgt in pairs for w in (src + " " + tgt).split()})
    vocab = {PAD: 0, EOS: 1, UNK: 2}
    for w in words:
        vocab[w] = len(vocab)
    return vocab


def to_ids(text, vocab, limit):
    ids = [vocab.get(w, vocab[UNK]) for w in text.split()][: limit - 1]
    return ids + [vocab[EOS]]


def pad_rows(rows, value):
    width = max(len(r) for r in rows)
    out = torch.full((len(rows), width), value, dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r)
    return out


class RecipeCollator:
    def __init__(self, vocab, start_id):
        self.vocab = vocab
        self.start_id = start_id

    def __call__(self, batch):
        steps = [to_ids(s, self.vocab, MAX_STEPS_LEN) for s, _ in batch]
        summaries = [[self.start_id] + to_ids(t, self.vocab, MAX_SUMMARY_LEN) for _, t in batch]
        steps_ids = pad_rows(steps, self.vocab[PAD])
        summary_ids = pad_rows(summaries, self.vocab[PAD])
        pad_id = self.vocab[PAD]
        return {
            "steps_ids": steps_ids,
            "steps_mask": (steps_ids != pad_id).long(),
            "decoder_in": summary_ids[:, :-1],
            "summary_labels": summary_ids.masked_fill(summary_ids == pad_id, -100),
        }


def greedy_summary(model, steps_ids, steps_mask, start_id, eos_id, max_len=MAX_SUMMARY_LEN):
    prefix = torch.full((steps_ids.size(0), 1), start_id, dtype=torch.long)
    enc = model.get_encoder()(input_ids=steps_ids, attention_mask=steps_mask)
    for _ in range(max_len):
        out = model(encoder_outputs=enc, attention_mask=steps_mask, decoder_input_ids=prefix)
        nxt = out.logits[:, -1].argmax(-1, keepdim=True)
        prefix = torch.cat([prefix, nxt], dim=1)
        if (nxt == eos_id).all():
            break
    return prefix[:, 1:]


def main():
    vocab = build_vocab(RECIPES)
    inv_vocab = {i: w for w, i in vocab.items()}
    config = T5Config(
        vocab_size=len(vocab), d_model=32, d_kv=16, d_ff=64, num_layers=1,
        num_decoder_layers=1, num_heads=2, pad_token_id=vocab[PAD],
        eos_token_id=vocab[EOS], decoder_start_token_id=vocab[PAD],
    )
    model = T5ForConditionalGeneration(config)
    collator = RecipeCollator(vocab, config.decoder_start_token_id)
    loader = DataLoader(RECIPES, batch_size=4, shuffle=True, collate_fn=collator)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-3)

    model.train()
    for epoch in range(5):
        total = 0.0
        for batch in loader:
            out = model(
                input_ids=batch["steps_ids"],
                attention_mask=batch["steps_mask"],
                decoder_input_ids=batch["decoder_in"],
                labels=batch["summary_labels"],
            )
            out.loss.backward()
            optim.step()
            optim.zero_grad()
            total += out.loss.item()
        if epoch % 5 == 4:
            print(f"epoch {epoch}: loss {total / len(loader):.3f}")

    model.eval()
    probe = collator(RECIPES[:3])
    with torch.no_grad():
        preds = greedy_summary(model, probe["steps_ids"], probe["steps_mask"],
                               config.decoder_start_token_id, vocab[EOS])
    for (steps, ref), row in zip(RECIPES[:3], preds.tolist()):
        words = [inv_vocab[i] for i in row if i not in (vocab[PAD], vocab[EOS])]
        print(f"{steps[:40]!r} -> {' '.join(words)!r} (ref: {ref!r})")


if __name__ == "__main__":
    main()
