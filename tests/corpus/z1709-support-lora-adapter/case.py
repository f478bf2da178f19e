import math
import os
import tempfile

import torch
import torch.nn as nn
from transformers import AutoModelForCausalLM, LlamaConfig

torch.manual_seed(3)

TICKETS = [
    ("my order has not arrived yet", "sorry about the delay please share your order number and we will track the parcel"),
    ("i was charged twice for one item", "we can see the duplicate charge and have issued a refund within five days"),
    ("how do i reset my password", "open the login page click forgot password and follow the link in the email"),
    ("can i change my delivery address", "yes you can change the address in your account until the parcel ships"),
    ("the item arrived damaged", "sorry to hear that please send a photo and we will send a replacement"),
    ("how do i cancel my subscription", "go to account settings choose subscription and click cancel plan"),
]
SPECIAL = ["<pad>", "<unk>", "<customer>", "<agent>", "<eos>"]


class WordVocab:
    def __init__(self, path):
        with open(path) as fh:
            self.itos = [line.rstrip("\n") for line in fh]
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.unk = self.stoi["<unk>"]

    def __len__(self):
        return len(self.itos)

    def encode(self, text):
        return [self.stoi.get(w, self.unk) for w in text.split()]


def dump_vocab(folder):
    words = sorted({w for q, a in TICKETS for w in f"{q} {a}".split()})
    path = os.path.join(folder, "support_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIAL + words) + "\n")
    return path


def pack_tickets(vocab, block):
    stream, mask = [], []
    for question, answer in TICKETS:
        head = [vocab.stoi["<customer>"]] + vocab.encode(question) + [vocab.stoi["<agent>"]]
        tail = vocab.encode(answer) + [vocab.stoi["<eos>"]]
        stream += head + tail
        mask += [False] * len(head) + [True] * len(tail)
    n_blocks = len(stream) // block
    ids = torch.tensor(stream[: n_blocks * block]).view(n_blocks, block)
    keep = torch.tensor(mask[: n_blocks * block]).view(n_blocks, block)
    labels = ids.masked_fill(~keep, -100)
    return ids, labels


class LoRALinear(nn.Module):
    def __init__(self, base, d_model, rank=8, alpha=16):
        super().__init__()
        self.base = base
        self.lora_down = nn.Linear(d_model, rank, bias=False)
        self.lora_up = nn.Linear(rank, base.out_features, bias=False)
        nn.init.kaiming_uniform_(self.lora_down.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_up.weight)
        self.scale = alpha / rank
        for p in self.base.parameters():
            p.requires_grad_(False)

    def forward(self, x):
        return self.base(x) + self.lora_up(self.lora_down(x)) * self.scale


def attach_adapters(model, targets, rank):
    d_model = model.config.hidden_size
    wrapped = []
    for layer in model.model.layers:
        for parent in (layer.self_attn, layer.mlp):
            for name in targets:
                if hasattr(parent, name):
                    setattr(parent, name, LoRALinear(getattr(parent, name), d_model, rank=rank))
                    wrapped.append(name)
    for n, p in model.named_parameters():
        p.requires_grad_("lora_" in n)
    return wrapped


def main():
    tmp = tempfile.mkdtemp(prefix="support_")
    vocab = WordVocab(dump_vocab(tmp))

    cfg = LlamaConfig(
        vocab_size=len(vocab),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=128,
        pad_token_id=vocab.stoi["<pad>"],
        bos_token_id=vocab.stoi["<customer>"],
        eos_token_id=vocab.stoi["<eos>"],
    )
    model = AutoModelForCausalLM.from_config(cfg)
    wrapped = attach_adapters(model, ("q_proj", "v_proj", "o_proj", "down_proj"), rank=8)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(f"wrapped {len(wrapped)} projections, {trainable} trainable params")

    ticket_ids, ticket_labels = pack_tickets(vocab, block=32)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)

    model.train()
    for step in range(20):
        pick = torch.randint(0, ticket_ids.size(0), (2,))
        loss = model(input_ids=ticket_ids[pick], labels=ticket_labels[pick]).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        if step % 5 == 0:
            print(f"step {step:2d} loss {loss.item():.4f}")

    model.eval()
    query = [vocab.stoi["<customer>"]] + vocab.encode(TICKETS[1][0]) + [vocab.stoi["<agent>"]]
    reply = torch.tensor([query])
    with torch.no_grad():
        for _ in range(10):
            tok = model(input_ids=reply).logits[:, -1].argmax(-1, keepdim=True)
            reply = torch.cat([reply, tok], dim=1)
            if tok.item() == cfg.eos_token_id:
                break
    print(" ".join(vocab.itos[i] for i in reply[0].tolist()))


if __name__ == "__main__":
    main()
