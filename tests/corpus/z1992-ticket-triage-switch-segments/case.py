import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(7)

WORDS = ("login fails after password reset cannot access account invoice charged twice "
         "refund please app crashes on upload slow dashboard export csv broken customer "
         "escalated checked logs restarted service asked for screenshot waiting on vendor "
         "urgent today billing error timeout sync mobile").split()
SEGMENT_FIELDS = ("subject", "body", "agent_note")
PRIORITIES = ["low", "normal", "high", "urgent"]

TICKETS = [
    {"subject": "login fails", "body": "login fails after password reset cannot access account",
     "agent_note": "checked logs restarted service", "priority": 2},
    {"subject": "invoice charged twice", "body": "invoice charged twice refund please",
     "agent_note": "escalated billing error", "priority": 3},
    {"subject": "app crashes", "body": "app crashes on upload mobile",
     "agent_note": "asked for screenshot", "priority": 1},
    {"subject": "slow dashboard", "body": "slow dashboard export csv broken timeout",
     "agent_note": "waiting on vendor", "priority": 0},
]


def build_tokenizer(workdir):
    path = os.path.join(workdir, "vocab.txt")
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(set(WORDS))) + "\n")
    return BertTokenizer(path)


def encode_ticket(tok, ticket, max_len=40):
    ids = [tok.cls_token_id]
    segment_ids = [0]
    for seg_no, field in enumerate(SEGMENT_FIELDS):
        piece = tok.convert_tokens_to_ids(tok.tokenize(ticket[field])) + [tok.sep_token_id]
        ids += piece
        segment_ids += [seg_no] * len(piece)
    ids, segment_ids = ids[:max_len], segment_ids[:max_len]
    pad = max_len - len(ids)
    attn = [1] * len(ids) + [0] * pad
    return ids + [tok.pad_token_id] * pad, segment_ids + [0] * pad, attn


class SwitchFFN(nn.Module):
    def __init__(self, d_model, d_ff, n_experts, capacity_factor=1.5):
        super().__init__()
        self.n_experts = n_experts
        self.capacity_factor = capacity_factor
        self.router = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList(
            nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model))
            for _ in range(n_experts))

    def forward(self, h, keep):
        flat = h.reshape(-1, h.size(-1))
        live = keep.reshape(-1).bool()
        probs = F.softmax(self.router(flat), dim=-1)
        gate, choice = probs.max(dim=-1)
        n_live = int(live.sum())
        capacity = max(1, int(self.capacity_factor * n_live / self.n_experts))
        out = torch.zeros_like(flat)
        for e, expert in enumerate(self.experts):
            slots = torch.nonzero((choice == e) & live, as_tuple=False).squeeze(-1)[:capacity]
            if slots.numel() == 0:
                continue
            routed = expert(flat.index_select(0, slots))
            out.index_add_(0, slots, routed * gate[slots].unsqueeze(-1))
        frac_tokens = torch.stack([((choice == e) & live).float().sum() for e in range(self.n_experts)]) / n_live
        frac_prob = (probs * live.unsqueeze(-1)).sum(0) / n_live
        aux = self.n_experts * (frac_tokens * frac_prob).sum()
        return (flat + out).view_as(h), aux


class TicketTriager(nn.Module):
    def __init__(self, vocab_size, n_experts=4):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=64)
        self.encoder = BertModel(cfg)
        self.moe = SwitchFFN(32, 64, n_experts)
        self.head = nn.Linear(32, len(PRIORITIES))

    def forward(self, ids, segments, attn):
        h = self.encoder(input_ids=ids, token_type_ids=segments, attention_mask=attn).last_hidden_state
        h, aux = self.moe(h, attn)
        return self.head(h[:, 0]), aux


def main():
    with tempfile.TemporaryDirectory() as workdir:
        tok = build_tokenizer(workdir)
    rows = [encode_ticket(tok, t) for t in TICKETS]
    ids = torch.tensor([r[0] for r in rows])
    segments = torch.tensor([r[1] for r in rows])
    attn = torch.tensor([r[2] for r in rows])
    target = torch.tensor([t["priority"] for t in TICKETS])

    model = TicketTriager(tok.vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    for step in range(3):
        logits, aux = model(ids, segments, attn)
        loss = F.cross_entropy(logits, target) + 0.01 * aux
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} loss {loss.item():.4f} aux {aux.item():.4f}")


if __name__ == "__main__":
    main()
