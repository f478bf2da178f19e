"""Character-level GPT-2 on a small text, nanoGPT style: the text is cut into blocks of BLOCK_SIZE + 1
characters (inputs and next-character targets)."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import GPT2Config, GPT2LMHeadModel

torch.manual_seed(0)
BLOCK_SIZE = 32
BATCH_SIZE = 4

text = ("first citizen: before we proceed any further, hear me speak. "
        "all: speak, speak. first citizen: you are all resolved rather to die than to famish? "
        "all: resolved. resolved. first citizen: first, you know caius marcius is chief enemy to the people. ")
chars = sorted(set(text))
stoi = {ch: i for i, ch in enumerate(chars)}
itos = {i: ch for ch, i in stoi.items()}
data = torch.tensor([stoi[c] for c in text], dtype=torch.long)


def get_batch(split_data):
    starts = torch.randint(len(split_data) - BLOCK_SIZE - 1, (BATCH_SIZE,))
    return torch.stack([split_data[s:s + BLOCK_SIZE + 1] for s in starts])


config = GPT2Config(vocab_size=len(chars), n_positions=BLOCK_SIZE, n_embd=32, n_layer=2, n_head=2)
model = GPT2LMHeadModel(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)

for it in range(5):
    chunk = get_batch(data)
    out = model(input_ids=chunk, labels=chunk)
    out.loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    if it % 10 == 0:
        print(f"iter {it}: loss {out.loss.item():.3f}")

prompt = torch.tensor([[stoi["f"]]])
print("".join(itos[i] for i in model.generate(prompt, max_new_tokens=20, do_sample=True)[0].tolist()))
