import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel

torch.manual_seed(3)

ACTIVITIES = ["walking", "running", "sitting", "climbing_stairs"]
SAMPLE_HZ = 50
WINDOW_SEC = 2.4
PATCH = 8
AXES = 3


def synth_recording(activity, n_samples):
    t = torch.arange(n_samples) / SAMPLE_HZ
    freq = {"walking": 1.8, "running": 2.9, "sitting": 0.1, "climbing_stairs": 1.3}[activity]
    amp = {"walking": 1.0, "running": 2.2, "sitting": 0.05, "climbing_stairs": 1.4}[activity]
    phase = torch.rand(AXES, 1) * 2 * math.pi
    sig = amp * torch.sin(2 * math.pi * freq * t + phase)
    sig[2] += 9.81
    return sig + 0.1 * torch.randn_like(sig)


def make_windows(n_per_class=6):
    n_samples = int(WINDOW_SEC * SAMPLE_HZ)
    xs, ys = [], []
    for label, act in enumerate(ACTIVITIES):
        for _ in range(n_per_class):
            rec = synth_recording(act, n_samples)
            patches = rec.unfold(1, PATCH, PATCH).permute(1, 0, 2).reshape(-1, AXES * PATCH)
            xs.append(patches)
            ys.append(label)
    return torch.stack(xs), torch.tensor(ys)


class CapacityMoE(nn.Module):
    def __init__(self, d, n_experts, capacity_factor=1.25):
        super().__init__()
        self.n_experts = n_experts
        self.capacity_factor = capacity_factor
        self.gate = nn.Linear(d, n_experts, bias=False)
        self.w_in = nn.Parameter(torch.randn(n_experts, d, 2 * d) * d ** -0.5)
        self.w_out = nn.Parameter(torch.randn(n_experts, 2 * d, d) * (2 * d) ** -0.5)

    def route(self, tokens):
        probs = self.gate(tokens).softmax(-1)
        gate_val, expert_id = probs.max(-1)
        dispatch = F.one_hot(expert_id, self.n_experts).type_as(probs)
        slot = ((dispatch.cumsum(0) - 1) * dispatch).sum(-1).long()
        aux = self.n_experts * (dispatch.mean(0) * probs.mean(0)).sum()
        return expert_id, slot, gate_val, aux

    def forward(self, h):
        bsz, seq, d = h.shape
        tokens = h.reshape(-1, d)
        capacity = math.ceil(self.capacity_factor * tokens.size(0) / self.n_experts)
        expert_id, slot, gate_val, aux = self.route(tokens)
        kept = (slot < capacity).nonzero(as_tuple=True)[0]
        buf = tokens.new_zeros(self.n_experts, capacity, d)
        buf[expert_id[kept], slot[kept]] = tokens[kept]
        hidden = F.gelu(torch.bmm(buf, self.w_in))
        expert_out = torch.bmm(hidden, self.w_out)
        combined = torch.zeros_like(tokens)
        combined[kept] = expert_out[expert_id[kept], slot[kept]] * gate_val[kept].unsqueeze(-1)
        dropped = tokens.size(0) - kept.numel()
        return (tokens + combined).view(bsz, seq, d), aux, dropped


class ActivityRecognizer(nn.Module):
    def __init__(self, d_model=32, n_experts=4):
        super().__init__()
        self.patch_proj = nn.Linear(AXES * PATCH, d_model)
        cfg = BertConfig(vocab_size=8, hidden_size=d_model, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64,
                         max_position_embeddings=32)
        self.backbone = BertModel(cfg, add_pooling_layer=False)
        self.moe = CapacityMoE(d_model, n_experts)
        self.classifier = nn.Linear(d_model, len(ACTIVITIES))

    def forward(self, windows):
        emb = self.patch_proj(windows)
        h = self.backbone(inputs_embeds=emb).last_hidden_state
        h, aux, dropped = self.moe(h)
        return self.classifier(h.mean(1)), aux, dropped


def main():
    windows, labels = make_windows()
    model = ActivityRecognizer()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    for epoch in range(3):
        perm = torch.randperm(len(labels))
        for start in range(0, len(labels), 8):
            idx = perm[start:start + 8]
            logits, aux, dropped = model(windows[idx])
            loss = F.cross_entropy(logits, labels[idx]) + 0.02 * aux
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss={loss.item():.4f} aux={aux.item():.3f} dropped={dropped}")


if __name__ == "__main__":
    main()
