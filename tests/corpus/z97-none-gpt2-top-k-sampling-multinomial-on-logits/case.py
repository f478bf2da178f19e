"""Tagline generator: a tiny GPT-2 trained on the marketing team's taglines, then top-k sampling."""
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import GPT2Config, GPT2LMHeadModel

TAGLINES = [
    "fresh coffee for busy mornings",
    "fresh bread for slow sundays",
    "simple tools for busy teams",
    "honest prices for every home",
    "better sleep for busy parents",
    "fresh ideas for every team",
]
SETTINGS = {"top_k": 5, "temperature": 0.8, "max_new_tokens": 4, "steps": 12}


class WordCodec:
    def __init__(self, lines):
        self.itos = ["<bos>", "<eos>"] + sorted({w for line in lines for w in line.split()})
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def encode(self, line):
        return [0] + [self.stoi[w] for w in line.split()] + [1]

    def decode(self, ids):
        return " ".join(self.itos[i] for i in ids if i > 1)


def train(model, codec, steps):
    data = torch.tensor([codec.encode(t) for t in TAGLINES])
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for _ in range(steps):
        loss = model(input_ids=data, labels=data).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


@torch.no_grad()
def sample(model, prompt_ids, top_k, temperature, max_new_tokens):
    ids = prompt_ids
    for _ in range(max_new_tokens):
        logits = model(input_ids=ids).logits[:, -1] / temperature
        kth_best = torch.topk(logits, top_k, dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth_best, float("-inf"))
        next_id = torch.multinomial(logits, num_samples=1)
        ids = torch.cat([ids, next_id], dim=1)
    return ids


def main():
    torch.manual_seed(0)
    codec = WordCodec(TAGLINES)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(codec.itos), n_positions=32, n_embd=32, n_layer=1, n_head=2,
                                       bos_token_id=0, eos_token_id=1))
    print(f"train loss {train(model, codec, SETTINGS['steps']):.3f}")
    model.eval()
    prompts = torch.tensor([[0, codec.stoi["fresh"]], [0, codec.stoi["better"]]])
    out = sample(model, prompts, SETTINGS["top_k"], SETTINGS["temperature"], SETTINGS["max_new_tokens"])
    for row in out.tolist():
        print(codec.decode(row))


if __name__ == "__main__":
    main()
