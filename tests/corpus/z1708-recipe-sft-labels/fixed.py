import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import AutoModelForCausalLM, BertTokenizer, GPT2Config

torch.manual_seed(0)
random.seed(0)

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "<|user|>", "<|chef|>", "<|end|>"]
IGNORE = -100

RECIPES = [
    ("how do i make a quick tomato soup", "saute onion and garlic in butter add chopped tomato and stock simmer ten minutes then blend"),
    ("what can i cook with eggs and spinach", "whisk the eggs wilt the spinach in a pan pour the eggs over and fold into an omelette"),
    ("give me a simple pancake batter", "mix flour sugar and salt whisk in milk and eggs rest the batter for ten minutes"),
    ("how long should i roast potatoes", "cut into chunks toss in oil and salt roast at high heat for forty minutes turning once"),
    ("how do i cook rice on the stove", "rinse the rice add water and salt bring to a boil cover and simmer fifteen minutes"),
    ("suggest a dressing for a green salad", "whisk oil with lemon juice mustard salt and pepper then toss with the leaves"),
    ("how do i make garlic bread", "mix soft butter with garlic and parsley spread on bread and bake until golden"),
    ("what is a fast pasta sauce", "fry garlic in oil add tomato chilli and salt simmer and toss with the pasta"),
]


def write_vocab(folder):
    words = sorted({w for p, r in RECIPES for w in (p + " " + r).split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return path


class ChefCollator:
    def __init__(self, tokenizer, max_len):
        self.tok = tokenizer
        self.max_len = max_len
        self.user_id = tokenizer.convert_tokens_to_ids("<|user|>")
        self.chef_id = tokenizer.convert_tokens_to_ids("<|chef|>")
        self.end_id = tokenizer.convert_tokens_to_ids("<|end|>")

    def encode(self, question, answer):
        q = self.tok(question, add_special_tokens=False)["input_ids"]
        a = self.tok(answer, add_special_tokens=False)["input_ids"]
        prompt = [self.user_id] + q + [self.chef_id]
        reply = a + [self.end_id]
        seq = (prompt + reply)[: self.max_len]
        tgt = ([IGNORE] * len(prompt) + reply)[: self.max_len]
        return seq, tgt

    def __call__(self, pairs):
        encoded = [self.encode(q, a) for q, a in pairs]
        longest = max(len(seq) for seq, _ in encoded)
        dish_ids = torch.full((len(encoded), longest), self.tok.pad_token_id, dtype=torch.long)
        dish_mask = torch.zeros((len(encoded), longest), dtype=torch.long)
        dish_labels = torch.full((len(encoded), longest), IGNORE, dtype=torch.long)
        for row, (seq, tgt) in enumerate(encoded):
            dish_ids[row, : len(seq)] = torch.tensor(seq)
            dish_mask[row, : len(seq)] = 1
            dish_labels[row, : len(tgt)] = torch.tensor(tgt)
        return {"input_ids": dish_ids, "attention_mask": dish_mask, "labels": dish_labels}


def build_model(vocab_size, pad_id, end_id, n_positions):
    cfg = GPT2Config(
        vocab_size=vocab_size,
        n_positions=n_positions,
        n_embd=64,
        n_layer=2,
        n_head=4,
        pad_token_id=pad_id,
        bos_token_id=end_id,
        eos_token_id=end_id,
    )
    return AutoModelForCausalLM.from_config(cfg)


def main():
    workdir = tempfile.mkdtemp(prefix="chef_sft_")
    tokenizer = BertTokenizer(write_vocab(workdir), do_lower_case=True)
    tokenizer.add_special_tokens({"additional_special_tokens": SPECIALS[5:]})

    collator = ChefCollator(tokenizer, max_len=40)
    loader = DataLoader(RECIPES, batch_size=4, shuffle=True, collate_fn=collator)

    model = build_model(len(tokenizer), tokenizer.pad_token_id, collator.end_id, n_positions=64)
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(3):
        running = 0.0
        for batch in loader:
            out = model(**batch)
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            optim.zero_grad()
            running += out.loss.item()
        print(f"epoch {epoch} loss {running / len(loader):.4f}")

    model.eval()
    question = RECIPES[0][0]
    seq, _ = collator.encode(question, "")
    prompt = torch.tensor([seq[:-1]])
    with torch.no_grad():
        for _ in range(12):
            nxt = model(input_ids=prompt).logits[0, -1].argmax()
            prompt = torch.cat([prompt, nxt.view(1, 1)], dim=1)
            if nxt.item() == collator.end_id:
                break
    print(tokenizer.decode(prompt[0]))


if __name__ == "__main__":
    main()
