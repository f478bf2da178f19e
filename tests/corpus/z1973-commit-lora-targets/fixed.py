import math
import os
import tempfile

import torch
import torch.nn as nn
from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

torch.manual_seed(1)

KINDS = ["fix", "feature", "refactor", "docs"]
COMMITS = [
    ("fix null pointer in parser when input is empty", "fix"),
    ("fix off by one in pagination", "fix"),
    ("add export to csv button", "feature"),
    ("add dark mode setting", "feature"),
    ("rename helper functions and split module", "refactor"),
    ("move config loading into its own class", "refactor"),
    ("update readme with install steps", "docs"),
    ("document the public api in docstrings", "docs"),
]

LORA_RANK = 4
LORA_ALPHA = 8
TARGET_KEYS = ("query", "value", "dense")


def write_vocab(folder):
    words = sorted({w for msg, _ in COMMITS for w in msg.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class LoRALinear(nn.Module):
    def __init__(self, base, rank, alpha):
        super().__init__()
        self.base = base
        self.base.weight.requires_grad = False
        if self.base.bias is not None:
            self.base.bias.requires_grad = False
        out_dim, in_dim = base.weight.shape
        self.lora_down = nn.Linear(in_dim, rank, bias=False)
        self.lora_up = nn.Linear(rank, out_dim, bias=False)
        nn.init.kaiming_uniform_(self.lora_down.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_up.weight)
        self.scaling = alpha / rank

    def forward(self, x):
        return self.base(x) + self.lora_up(self.lora_down(x)) * self.scaling


def inject_lora(model, keys, rank, alpha):
    replaced = []
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, nn.Linear) and child_name in keys:
                setattr(module, child_name, LoRALinear(child, rank, alpha))
                replaced.append(f"{name}.{child_name}")
    return replaced


def main():
    folder = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(folder))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32,
                        num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, num_labels=len(KINDS))
    model = BertForSequenceClassification(config)

    for p in model.bert.parameters():
        p.requires_grad = False
    wrapped = inject_lora(model.bert, TARGET_KEYS, LORA_RANK, LORA_ALPHA)
    print(f"wrapped {len(wrapped)} linear layers")

    params = [p for p in model.parameters() if p.requires_grad]
    print(f"trainable: {sum(p.numel() for p in params)} / "
          f"{sum(p.numel() for p in model.parameters())}")
    optim = torch.optim.AdamW(params, lr=1e-3)

    messages = [m for m, _ in COMMITS]
    kinds = torch.tensor([KINDS.index(k) for _, k in COMMITS])
    batch = tokenizer(messages, padding=True, return_tensors="pt")

    model.train()
    for step in range(5):
        out = model(**batch, labels=kinds)
        optim.zero_grad()
        out.loss.backward()
        optim.step()
        print(f"step {step}: loss {out.loss.item():.4f}")

    model.eval()
    with torch.no_grad():
        pred = model(**batch).logits.argmax(-1)
    print("accuracy", (pred == kinds).float().mean().item())

    merged = 0
    for module in model.modules():
        if isinstance(module, LoRALinear):
            delta = module.lora_up.weight @ module.lora_down.weight
            module.base.weight.data += delta * module.scaling
            merged += 1
    print(f"merged {merged} adapters")


if __name__ == "__main__":
    main()
