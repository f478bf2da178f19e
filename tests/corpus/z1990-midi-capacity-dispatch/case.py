import math
import random

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import GPT2Config, GPT2Model

torch.manual_seed(3)
random.seed(3)

# event vocabulary: NOTE_ON pitch 0..47, NOTE_OFF pitch 0..47, TIME_SHIFT 1..16, plus specials
N_PITCH, N_SHIFT = 48, 16
SPECIALS = ["<pad>", "<bos>", "<eos>"]
EVENT_VOCAB = len(SPECIALS) + 2 * N_PITCH + N_SHIFT
BOS_ID, EOS_ID = 1, 2


def note_on(p):
    return len(SPECIALS) + p


def note_off(p):
    return len(SPECIALS) + N_PITCH + p


def shift(steps):
    return len(SPECIALS) + 2 * N_PITCH + (steps - 1)


def random_phrase(n_notes):
    events, root = [BOS_ID], random.randint(8, 30)
    for _ in range(n_notes):
        p = root + random.choice([0, 2, 4, 5, 7, 9, 11, 12])
        events += [note_on(p), shift(random.randint(1, 8)), note_off(p)]
    return events + [EOS_ID]


class CapacityMoE(nn.Module):
    def __init__(self, d_model, n_experts=4, d_ff=64, capacity_factor=1.0):
        super().__init__()
        self.n_experts = n_experts
        self.capacity_factor = capacity_factor
        self.w_gate = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList(
            nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model))
            for _ in range(n_experts)
        )

    def forward(self, hidden):
        bsz, seqlen, d = hidden.shape
        flat = hidden.reshape(-1, d)
        n_tok = flat.size(0)
        gate_probs = self.w_gate(flat).softmax(dim=-1)
        gate_val, expert_of = gate_probs.max(dim=-1)

        capacity = math.ceil(self.capacity_factor * n_tok / self.n_experts)
        dispatch_buf = flat.new_zeros(self.n_experts, capacity, d)
        slot_of = torch.full((n_tok,), -1, dtype=torch.long)
        for e in range(self.n_experts):
            assigned = (expert_of == e).nonzero().squeeze(-1)
            for slot in range(capacity):
                tok = assigned[slot]
                dispatch_buf[e, slot] = flat[tok]
                slot_of[tok] = e * capacity + slot

        expert_out = torch.stack([self.experts[e](dispatch_buf[e]) for e in range(self.n_experts)])
        expert_out = expert_out.reshape(self.n_experts * capacity, d)
        kept = slot_of >= 0
        combined = flat.new_zeros(n_tok, d)
        combined[kept] = expert_out[slot_of[kept]] * gate_val[kept].unsqueeze(-1)

        load = torch.bincount(expert_of, minlength=self.n_experts).float() / n_tok
        importance = gate_probs.mean(0)
        aux_loss = self.n_experts * (load * importance).sum()
        return hidden + combined.view(bsz, seqlen, d), aux_loss


class PhraseLM(nn.Module):
    def __init__(self):
        super().__init__()
        cfg = GPT2Config(
            vocab_size=EVENT_VOCAB, n_positions=128, n_embd=32, n_layer=1, n_head=2,
            bos_token_id=BOS_ID, eos_token_id=EOS_ID,
        )
        self.backbone = GPT2Model(cfg)
        self.moe = CapacityMoE(cfg.n_embd)
        self.lm_head = nn.Linear(cfg.n_embd, EVENT_VOCAB, bias=False)

    def forward(self, events):
        h = self.backbone(input_ids=events).last_hidden_state
        h, aux = self.moe(h)
        return self.lm_head(h), aux


def main():
    phrases = [random_phrase(8) for _ in range(12)]
    corpus = torch.tensor(phrases)
    model = PhraseLM()
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)

    for step in range(5):
        batch = corpus[torch.randperm(len(corpus))[:4]]
        logits, aux = model(batch[:, :-1])
        nll = F.cross_entropy(logits.reshape(-1, EVENT_VOCAB), batch[:, 1:].reshape(-1))
        loss = nll + 0.01 * aux
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step} nll {nll.item():.3f} aux {aux.item():.3f}")


if __name__ == "__main__":
    main()
