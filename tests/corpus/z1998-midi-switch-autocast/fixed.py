import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import GPT2Config, GPT2Model

torch.manual_seed(7)
random.seed(7)

PITCHES = range(48, 73)
DURATIONS = [1, 2, 4, 8]
EVENTS = ["<pad>", "<bos>", "<eos>"] + [f"NOTE_{p}" for p in PITCHES] + [f"DUR_{d}" for d in DURATIONS] + ["REST"]
EVENT_TO_ID = {ev: i for i, ev in enumerate(EVENTS)}
SEQ_LEN = 48


def random_phrase():
    scale = [0, 2, 4, 5, 7, 9, 11, 12]
    root = random.choice([48, 53, 55, 60])
    events = ["<bos>"]
    while len(events) < SEQ_LEN - 1:
        if random.random() < 0.1:
            events.append("REST")
        else:
            events.append(f"NOTE_{min(root + random.choice(scale), 72)}")
        events.append(f"DUR_{random.choice(DURATIONS)}")
    events = events[:SEQ_LEN - 1] + ["<eos>"]
    return [EVENT_TO_ID[e] for e in events]


class CapacitySwitch(nn.Module):
    def __init__(self, d_model, n_experts=4, d_ff=96, capacity_factor=1.25):
        super().__init__()
        self.n_experts = n_experts
        self.capacity_factor = capacity_factor
        self.gate = nn.Linear(d_model, n_experts)
        self.experts = nn.ModuleList(
            nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model)) for _ in range(n_experts)
        )

    def forward(self, h):
        bsz, length, width = h.shape
        tokens = h.reshape(-1, width)
        probs = self.gate(tokens).float().softmax(-1)
        gate_val, assignment = probs.max(-1)
        capacity = max(1, int(self.capacity_factor * tokens.size(0) / self.n_experts))

        combined = torch.zeros_like(tokens)
        dropped = 0
        for e in range(self.n_experts):
            idx = torch.where(assignment == e)[0]
            dropped += max(0, idx.numel() - capacity)
            idx = idx[:capacity]
            if idx.numel() == 0:
                continue
            expert_out = self.experts[e](tokens[idx])
            combined.index_add_(0, idx, expert_out.to(combined.dtype))

        combined = combined * gate_val.unsqueeze(-1)
        density = torch.bincount(assignment, minlength=self.n_experts).float() / tokens.size(0)
        lb_loss = self.n_experts * torch.sum(density * probs.mean(0))
        return (tokens + combined).view(bsz, length, width), lb_loss, dropped


class MidiMoELM(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.backbone = GPT2Model(cfg)
        self.switch = CapacitySwitch(cfg.n_embd)
        self.ln = nn.LayerNorm(cfg.n_embd)
        self.head = nn.Linear(cfg.n_embd, cfg.vocab_size, bias=False)

    def forward(self, events):
        h = self.backbone(input_ids=events).last_hidden_state
        h, lb_loss, dropped = self.switch(h)
        return self.head(self.ln(h)), lb_loss, dropped


def main():
    cfg = GPT2Config(vocab_size=len(EVENTS), n_positions=64, n_embd=32, n_layer=2, n_head=2,
                     pad_token_id=EVENT_TO_ID["<pad>"], bos_token_id=EVENT_TO_ID["<bos>"],
                     eos_token_id=EVENT_TO_ID["<eos>"])
    model = MidiMoELM(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
    corpus = torch.tensor([random_phrase() for _ in range(64)])

    model.train()
    for epoch in range(3):
        perm = torch.randperm(corpus.size(0))
        for i in range(0, corpus.size(0), 16):
            batch = corpus[perm[i:i + 16]]
            with torch.autocast("cpu", dtype=torch.bfloat16):
                logits, lb_loss, dropped = model(batch[:, :-1])
                nll = F.cross_entropy(logits.reshape(-1, logits.size(-1)).float(), batch[:, 1:].reshape(-1))
                loss = nll + 0.01 * lb_loss
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: nll={nll.item():.3f} lb={lb_loss.item():.3f} dropped={dropped}")

    model.eval()
    seq = torch.tensor([[EVENT_TO_ID["<bos>"]]])
    with torch.no_grad():
        for _ in range(12):
            nxt = model(seq)[0][:, -1].argmax(-1, keepdim=True)
            seq = torch.cat([seq, nxt], dim=1)
    print(" ".join(EVENTS[t] for t in seq[0].tolist()))


if __name__ == "__main__":
    main()
