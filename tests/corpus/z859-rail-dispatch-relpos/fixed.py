"""Intent tagging for rail dispatcher radio transcripts (Accelerate training loop).

Word order matters a lot in these calls ("stop short of signal" vs "signal
short, stop"), so on top of the BERT encoder we add one self-attention layer
with a learned relative-position bias (T5-style, distances clipped).
"""
import functools
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from accelerate import Accelerator
from accelerate.utils import set_seed
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

set_seed(5)
INTENTS = ["warrant_request", "signal_report", "emergency_stop", "position_report"]
CALLS = [
    ("dispatcher unit 412 requesting track warrant from milepost 18 to 42", 0),
    ("signal 7 east displaying stop aspect holding short", 1),
    ("emergency emergency all trains stop obstruction on main track", 2),
    ("unit 88 clear of milepost 31 by the west switch", 3),
    ("request warrant main track between alder and pine", 0),
    ("signal at pine showing dark reporting to dispatcher", 1),
    ("stop stop stop trespasser on bridge emergency", 2),
    ("unit 412 now at milepost 42 clear of warrant limits", 3),
    ("need authority main track alder to milepost 18", 0),
    ("west signal at alder flashing approach not clearing", 1),
    ("emergency brake application all trains hold", 2),
    ("unit 88 passing pine siding east", 3),
]


def write_vocab():
    words = sorted({w for text, _ in CALLS for w in text.split()})
    path = os.path.join(tempfile.mkdtemp(prefix="dispatch_"), "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class RelBiasSelfAttention(nn.Module):
    def __init__(self, hidden, n_heads, max_distance):
        super().__init__()
        self.n_heads, self.head_dim = n_heads, hidden // n_heads
        self.max_distance = max_distance
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)
        self.rel_bias = nn.Embedding(2 * max_distance + 1, n_heads)

    def relative_bias(self, length, device):
        pos = torch.arange(length, device=device)
        offsets = pos[None, :] - pos[:, None]          # key position minus query position
        offsets = offsets.clamp(-self.max_distance, self.max_distance)
        return self.rel_bias(offsets + self.max_distance).permute(2, 0, 1)  # (heads, L, L)

    def forward(self, x, keep):
        b, length, hidden = x.shape
        q, k, v = self.qkv(x).view(b, length, 3, self.n_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-1, -2) / self.head_dim ** 0.5 + self.relative_bias(length, x.device)
        scores = scores.masked_fill(~keep[:, None, None, :], float("-inf"))
        ctx = scores.softmax(dim=-1) @ v
        return self.out(ctx.transpose(1, 2).reshape(b, length, hidden))


class DispatchTagger(nn.Module):
    def __init__(self, vocab_size, n_intents, hidden=32, max_distance=8):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=hidden, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.order_layer = RelBiasSelfAttention(hidden, n_heads=2, max_distance=max_distance)
        self.norm = nn.LayerNorm(hidden)
        self.classifier = nn.Linear(hidden, n_intents)

    def forward(self, ids, attention_mask):
        h = self.bert(input_ids=ids, attention_mask=attention_mask).last_hidden_state
        keep = attention_mask.bool()
        h = self.norm(h + self.order_layer(h, keep))
        w = attention_mask.unsqueeze(-1).float()
        return self.classifier((h * w).sum(1) / w.sum(1))


def collate(rows, tokenizer):
    texts, intents = zip(*rows)
    enc = tokenizer(list(texts), padding=True, truncation=True, max_length=32, return_tensors="pt")
    return enc["input_ids"], enc["attention_mask"], torch.tensor(intents)


def main():
    accelerator = Accelerator(cpu=True)
    tokenizer = BertTokenizer(write_vocab())
    loader = DataLoader(CALLS, batch_size=4, shuffle=True,
                        collate_fn=functools.partial(collate, tokenizer=tokenizer))
    model = DispatchTagger(tokenizer.vocab_size, len(INTENTS))
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-4)
    model, optimizer, loader = accelerator.prepare(model, optimizer, loader)

    for epoch in range(4):
        model.train()
        total = 0.0
        for ids, attn, intents in loader:
            logits = model(ids, attn)
            loss = F.cross_entropy(logits, intents)
            optimizer.zero_grad()
            accelerator.backward(loss)
            optimizer.step()
            total += loss.item()
        accelerator.print(f"epoch {epoch}  mean loss {total / len(loader):.4f}")

    model.eval()
    ids, attn, intents = collate(CALLS, tokenizer)
    with torch.no_grad():
        pred = model(ids.to(accelerator.device), attn.to(accelerator.device)).argmax(-1).cpu()
    accelerator.print(f"train accuracy {(pred == intents).float().mean().item():.2f}")


if __name__ == "__main__":
    main()
