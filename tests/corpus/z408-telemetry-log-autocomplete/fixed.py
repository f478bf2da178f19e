"""Autocomplete for wind-turbine maintenance log lines.

A tiny character-level GPT-2 is warmed up on synthetic log lines, then used to
continue a technician's partially typed entry with a hand-written greedy loop.
"""
import random
import string

import torch
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(7)
random.seed(7)

ALPHABET = list(string.ascii_lowercase + string.digits + " .:-/#\n")
PAD, BOS, EOS = 0, 1, 2
stoi = {ch: i + 3 for i, ch in enumerate(ALPHABET)}
itos = {i: ch for ch, i in stoi.items()}

COMPONENTS = ["gearbox", "yaw motor", "pitch bearing", "blade 2", "converter", "anemometer"]
ACTIONS = ["inspected", "greased", "replaced seal on", "torqued bolts of", "recalibrated"]


def encode(text):
    return [BOS] + [stoi[c] for c in text.lower() if c in stoi]


def decode(ids):
    return "".join(itos.get(i, "") for i in ids)


def make_log_line():
    turbine = f"wtg-{random.randint(1, 40):02d}"
    comp = random.choice(COMPONENTS)
    act = random.choice(ACTIONS)
    return f"{turbine}: {act} {comp}. vib {random.randint(1, 9)}.{random.randint(0, 9)} mm/s\n"


config = GPT2Config(
    vocab_size=len(ALPHABET) + 3,
    n_positions=64,
    n_embd=48,
    n_layer=2,
    n_head=4,
    bos_token_id=BOS,
    eos_token_id=EOS,
    pad_token_id=PAD,
)
model = GPT2LMHeadModel(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)


def training_batch(batch_size=8, block=48):
    rows = []
    for _ in range(batch_size):
        ids = encode(make_log_line())
        while len(ids) < block:
            ids += [stoi[c] for c in make_log_line()]
        rows.append(ids[:block])
    return torch.tensor(rows)


model.train()
for step in range(1):
    batch = training_batch()
    out = model(input_ids=batch, labels=batch)
    optimizer.zero_grad()
    out.loss.backward()
    optimizer.step()
    if step % 10 == 0:
        print(f"step {step:3d}  loss {out.loss.item():.3f}")


@torch.no_grad()
def complete_entry(prefix, max_new_chars=48, stop_char="\n"):
    model.eval()
    ids = torch.tensor([encode(prefix)])
    generated = []
    for _ in range(max_new_chars):
        context = ids[:, -model.config.n_positions:]
        logits = model(input_ids=context).logits[:, -1, :]
        logits[:, PAD] = float("-inf")
        logits[:, BOS] = float("-inf")
        next_id = logits.argmax(dim=-1, keepdim=True)
        ids = torch.cat([ids, next_id], dim=1)
        tok = next_id.item()
        if tok == EOS or itos.get(tok) == stop_char:
            break
        generated.append(tok)
    return decode(generated)


shift_notes = [
    "wtg-07: greased yaw motor. vib 2.",
    "wtg-12: replaced seal on gearbox after oil mist seen on nacelle floor, vib",
]
for note in shift_notes:
    suggestion = complete_entry(note)
    print(repr(note), "->", repr(suggestion))
