import math
import os
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(11)
torch.manual_seed(11)

CFG = dict(
    vocab_path=os.path.join(HERE, "triage_vocab.txt"),
    d_model=64,
    n_heads=4,
    n_layers=2,
    max_positions=128,
    batch_size=12,
    lr=5e-4,
    n_reports=96,
)
PRIORITY = ["low", "review", "urgent"]

REASONS = ["spam", "harassment", "hate speech", "self harm", "impersonation", "scam", "nudity"]
NOTE_BITS = ["this user keeps posting", "please look at this", "they sent me this in dms",
             "reported before nothing happened", "this is a bot account", "scary message",
             "fake giveaway link", "pretending to be my friend"]
MSG_BITS = ["click here to claim", "you will regret this", "nobody likes you",
            "buy followers cheap", "dm me for prices", "i know your address",
            "lol ok", "whatever", "send the code now", "this is the official page"]


def write_vocab(path):
    words = set()
    for chunk in REASONS + NOTE_BITS + MSG_BITS:
        words.update(chunk.split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as f:
        f.write("\n".join(specials + sorted(words)) + "\n")


def fake_report():
    reason = random.choice(REASONS)
    note = " ".join(random.sample(NOTE_BITS, k=random.randint(1, 3)))
    reported = random.choice(MSG_BITS)
    # some reports pull in a whole conversation thread as context
    n_ctx = random.randint(25, 45) if random.random() < 0.2 else random.randint(0, 6)
    thread = [random.choice(MSG_BITS) for _ in range(n_ctx)]
    urgent = reason in ("self harm", "harassment") and "i know your address" in [reported] + thread
    prio = 2 if urgent else (1 if reason in ("hate speech", "scam", "self harm") else 0)
    return {"reason": reason, "note": note, "reported": reported, "thread": thread, "priority": prio}


def report_to_pair(r):
    first = f"{r['reason']} {r['note']}"
    second = " ".join([r["reported"]] + r["thread"])
    return first, second


def encode_batch(tokenizer, reports):
    firsts, seconds = zip(*(report_to_pair(r) for r in reports))
    enc = tokenizer(list(firsts), list(seconds), padding=True, truncation=True, max_length=CFG["max_positions"],
                    return_tensors="pt")
    labels = torch.tensor([r["priority"] for r in reports])
    return enc["input_ids"], enc["attention_mask"], labels


class TriageEncoder(nn.Module):
    def __init__(self, vocab_size, d_model, n_heads, n_layers, max_positions, n_classes):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.pos_emb = nn.Embedding(max_positions, d_model)
        layer = nn.TransformerEncoderLayer(d_model, n_heads, dim_feedforward=2 * d_model,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, n_layers)
        self.norm = nn.LayerNorm(d_model)
        self.classifier = nn.Linear(d_model, n_classes)

    def forward(self, input_ids, attention_mask):
        positions = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0)
        h = self.tok_emb(input_ids) * math.sqrt(self.tok_emb.embedding_dim) + self.pos_emb(positions)
        h = self.encoder(h, src_key_padding_mask=attention_mask == 0)
        mask = attention_mask.unsqueeze(-1).float()
        pooled = (self.norm(h) * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.classifier(pooled)


def batches(items, size):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def main():
    write_vocab(CFG["vocab_path"])
    tokenizer = BertTokenizer(CFG["vocab_path"])
    reports = [fake_report() for _ in range(CFG["n_reports"])]
    print("priority counts:", {p: sum(r["priority"] == i for r in reports) for i, p in enumerate(PRIORITY)})

    model = TriageEncoder(tokenizer.vocab_size, CFG["d_model"], CFG["n_heads"],
                          CFG["n_layers"], CFG["max_positions"], len(PRIORITY))
    opt = torch.optim.Adam(model.parameters(), lr=CFG["lr"])

    model.train()
    for step, chunk in enumerate(batches(reports, CFG["batch_size"])):
        input_ids, attention_mask, labels = encode_batch(tokenizer, chunk)
        logits = model(input_ids, attention_mask)
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} seq_len={input_ids.size(1)} loss={loss.item():.4f}")


if __name__ == "__main__":
    main()
