"""Instruction-tune a tiny GPT-2 style model into a cooking assistant.

Prompts and answers are joined with chat role markers, prompt tokens are
masked out of the loss, and a few LoRA-style adapters are trained on top of
the frozen attention projections.
"""
import os
import tempfile

import torch
import torch.nn as nn
from transformers import AutoModelForCausalLM, BertTokenizer, GPT2Config

torch.manual_seed(0)

RECIPES = [
    ("how long do i boil an egg", "boil the egg for nine minutes then cool it in cold water"),
    ("how do i make rice fluffy", "rinse the rice then simmer with a lid and rest ten minutes"),
    ("what goes in a simple vinaigrette", "mix oil vinegar mustard salt and pepper"),
    ("how do i keep pasta from sticking", "use plenty of salted water and stir the pasta often"),
    ("how hot should the oven be for bread", "bake the bread at two hundred and twenty degrees"),
    ("can i freeze fresh basil", "chop the basil and freeze it in oil in an ice tray"),
]
ROLE_MARKERS = ["<|user|>", "<|chef|>", "<|end|>"]


def write_kitchen_vocab(folder):
    words = sorted({w for q, a in RECIPES for w in (q + " " + a).split()})
    entries = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
    path = os.path.join(folder, "kitchen_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(entries) + "\n")
    return path


class LoraLinear(nn.Module):
    def __init__(self, base, rank=4, alpha=8):
        super().__init__()
        self.base = base
        for p in self.base.parameters():
            p.requires_grad_(False)
        # GPT-2 uses Conv1D: weight is (in_features, out_features)
        fan_in, fan_out = base.weight.shape
        self.down = nn.Linear(fan_in, rank, bias=False)
        self.up = nn.Linear(rank, fan_out, bias=False)
        nn.init.zeros_(self.up.weight)
        self.scale = alpha / rank

    def forward(self, x):
        return self.base(x) + self.up(self.down(x)) * self.scale


def encode_dialogue(tok, question, answer):
    prompt_ids = tok.encode(f"<|user|> {question} <|chef|>", add_special_tokens=False)
    reply_ids = tok.encode(f"{answer} <|end|>", add_special_tokens=False)
    ids = prompt_ids + reply_ids
    targets = [-100] * len(prompt_ids) + reply_ids
    return ids, targets


def collate(tok, pairs):
    encoded = [encode_dialogue(tok, q, a) for q, a in pairs]
    width = max(len(ids) for ids, _ in encoded)
    tokens = torch.full((len(encoded), width), tok.pad_token_id, dtype=torch.long)
    targets = torch.full((len(encoded), width), -100, dtype=torch.long)
    keep = torch.zeros((len(encoded), width), dtype=torch.long)
    for row, (ids, tgt) in enumerate(encoded):
        tokens[row, : len(ids)] = torch.tensor(ids)
        targets[row, : len(tgt)] = torch.tensor(tgt)
        keep[row, : len(ids)] = 1
    return tokens, keep, targets


def main():
    workdir = tempfile.mkdtemp(prefix="chef_")
    tok = BertTokenizer(write_kitchen_vocab(workdir), do_lower_case=True)
    tok.add_tokens(ROLE_MARKERS, special_tokens=True)

    cfg = GPT2Config(
        vocab_size=tok.vocab_size,
        n_positions=64,
        n_embd=32,
        n_layer=2,
        n_head=2,
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.cls_token_id,
        eos_token_id=tok.convert_tokens_to_ids("<|end|>"),
    )
    chef = AutoModelForCausalLM.from_config(cfg)
    for p in chef.parameters():
        p.requires_grad_(False)
    for block in chef.transformer.h:
        block.attn.c_attn = LoraLinear(block.attn.c_attn)

    trainable = [p for p in chef.parameters() if p.requires_grad]
    print(f"trainable adapter params: {sum(p.numel() for p in trainable)}")
    opt = torch.optim.AdamW(trainable, lr=1e-2)

    chef.train()
    for epoch in range(3):
        for start in range(0, len(RECIPES), 3):
            tokens, keep, targets = collate(tok, RECIPES[start : start + 3])
            out = chef(input_ids=tokens, attention_mask=keep, labels=targets)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
        print(f"epoch {epoch} loss {out.loss.item():.3f}")

    chef.eval()
    prompt = tok.encode("<|user|> can i freeze fresh basil <|chef|>", add_special_tokens=False)
    running = torch.tensor([prompt])
    end_id = tok.convert_tokens_to_ids("<|end|>")
    with torch.no_grad():
        for _ in range(12):
            logits = chef(input_ids=running).logits
            nxt = logits[0, -1].argmax().view(1, 1)
            running = torch.cat([running, nxt], dim=1)
            if nxt.item() == end_id:
                break
    print("chef says:", tok.decode(running[0, len(prompt):].tolist()))


if __name__ == "__main__":
    main()
