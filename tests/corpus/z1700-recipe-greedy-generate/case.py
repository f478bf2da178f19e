"""Tiny recipe assistant: pack recipe instructions, train a few steps, then sample a reply greedily."""
import random

import torch
from transformers import AutoModelForCausalLM, GPT2Config

torch.manual_seed(0)
random.seed(0)

RECIPES = [
    ("how do i make pancakes",
     "whisk flour milk eggs and sugar . heat a pan with butter . pour batter and flip when bubbles form ."),
    ("how do i make tomato soup",
     "roast tomatoes with garlic . simmer with stock and onion . blend until smooth and season with salt ."),
    ("how do i make fried rice",
     "cook rice a day ahead . fry garlic and onion . add rice eggs and soy sauce and stir on high heat ."),
    ("how do i make guacamole",
     "mash avocados with lime juice . fold in onion tomato and cilantro . season with salt and chili ."),
    ("how do i make banana bread",
     "mash ripe bananas . mix with butter sugar eggs and flour . bake in a loaf pan for one hour ."),
]

SPECIALS = ["<pad>", "<eos>", "###", "user", "chef", ":"]


def build_vocab(pairs):
    words = set()
    for question, answer in pairs:
        words.update(question.split())
        words.update(answer.split())
    itos = SPECIALS + sorted(words)
    return {w: i for i, w in enumerate(itos)}, itos


word_to_id, id_to_word = build_vocab(RECIPES)
EOS = word_to_id["<eos>"]


def render(question, answer=None):
    text = f"### user : {question} ### chef :"
    if answer is not None:
        text += " " + answer
    return [word_to_id[w] for w in text.split()]


def pack_recipes(pairs, block):
    stream = []
    for question, answer in pairs:
        stream.extend(render(question, answer) + [EOS])
    n_blocks = len(stream) // block
    return torch.tensor(stream[: n_blocks * block]).view(n_blocks, block)


CONTEXT = 64
config = GPT2Config(
    vocab_size=len(id_to_word),
    n_positions=CONTEXT,
    n_embd=48,
    n_layer=2,
    n_head=4,
    bos_token_id=EOS,
    eos_token_id=EOS,
    pad_token_id=word_to_id["<pad>"],
)
chef = AutoModelForCausalLM.from_config(config)

blocks = pack_recipes(RECIPES * 2, CONTEXT)
print(f"packed {blocks.shape[0]} blocks of {CONTEXT} tokens")

optim = torch.optim.AdamW(chef.parameters(), lr=3e-3)
chef.train()
for epoch in range(1):
    order = torch.randperm(blocks.shape[0])
    for start in range(0, len(order), 4):
        chunk = blocks[order[start:start + 4]]
        out = chef(input_ids=chunk, labels=chunk)
        out.loss.backward()
        optim.step()
        optim.zero_grad()
    print(f"epoch {epoch} loss {out.loss.item():.3f}")


@torch.no_grad()
def greedy_reply(model, question, max_new_tokens):
    model.eval()
    generated = torch.tensor([render(question)])
    prompt_len = generated.shape[1]
    for _ in range(max_new_tokens):
        logits = model(input_ids=generated).logits
        next_id = logits[:, -1, :].argmax(dim=-1, keepdim=True)
        if next_id.item() == EOS:
            break
        generated = torch.cat([generated, next_id], dim=1)
    return " ".join(id_to_word[i] for i in generated[0, prompt_len:].tolist())


long_question = ("how do i make pancakes with eggs and butter and sugar and milk "
                 "and banana bread and guacamole with lime juice and chili and salt")

print("short:", greedy_reply(chef, "how do i make fried rice", max_new_tokens=40))
print("long:", greedy_reply(chef, long_question, max_new_tokens=40))
