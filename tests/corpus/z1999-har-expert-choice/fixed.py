import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel

torch.manual_seed(3)

ACTIVITIES = ["walking", "running", "sitting", "stairs", "cycling"]
WINDOW = 32
CHANNELS = 6  # acc xyz + gyro xyz
SAMPLE_HZ = 25.0


def make_windows(n_per_class):
    t = torch.arange(WINDOW) / SAMPLE_HZ
    xs, ys = [], []
    for label, freq in enumerate([1.8, 2.9, 0.0, 1.2, 1.5]):
        for _ in range(n_per_class):
            phase = torch.rand(CHANNELS, 1) * 2 * math.pi
            amp = 0.2 + label * 0.15
            sig = amp * torch.sin(2 * math.pi * freq * t + phase) + 0.05 * torch.randn(CHANNELS, WINDOW)
            sig[2] += 9.81 if label != 2 else 9.6
            xs.append(sig.T)
            ys.append(label)
    return torch.stack(xs), torch.tensor(ys)


class ExpertChoiceFFN(nn.Module):
    """Expert-choice routing: every expert picks its own top-k timesteps inside each window."""

    def __init__(self, dim, n_experts=4, expert_dim=48, capacity_factor=2.0):
        super().__init__()
        self.n_experts = n_experts
        self.capacity_factor = capacity_factor
        self.router = nn.Linear(dim, n_experts, bias=False)
        self.w_in = nn.Parameter(torch.randn(n_experts, dim, expert_dim) * dim ** -0.5)
        self.w_out = nn.Parameter(torch.randn(n_experts, expert_dim, dim) * expert_dim ** -0.5)

    def forward(self, frames):
        bsz, steps, dim = frames.shape
        affinity = self.router(frames).softmax(dim=-1)               # (B, T, E)
        per_expert = int(steps * self.capacity_factor / self.n_experts)

        by_expert = affinity.permute(0, 2, 1).reshape(bsz * self.n_experts, steps)
        pick_w, pick_t = by_expert.topk(per_expert, dim=-1)          # (B*E, k)
        pick_w = pick_w.view(bsz, self.n_experts, per_expert)
        pick_t = pick_t.view(bsz, self.n_experts, per_expert)

        out = torch.zeros_like(frames)
        for e in range(self.n_experts):
            where = pick_t[:, e].unsqueeze(-1).expand(-1, -1, dim)
            chunk = torch.gather(frames, 1, where)                    # (B, k, D)
            hidden = F.gelu(chunk @ self.w_in[e]) @ self.w_out[e]
            out = out.scatter_add(1, where, hidden * pick_w[:, e].unsqueeze(-1))

        coverage = (out.abs().sum(-1) > 0).float().mean()
        return frames + out, coverage


class ActivityMoE(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        cfg = BertConfig(vocab_size=8, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=WINDOW)
        self.proj = nn.Linear(CHANNELS, cfg.hidden_size)
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.moe = ExpertChoiceFFN(cfg.hidden_size)
        self.head = nn.Linear(cfg.hidden_size, n_classes)

    def forward(self, imu):
        emb = self.proj(imu)
        h = self.encoder(inputs_embeds=emb).last_hidden_state
        h, coverage = self.moe(h)
        return self.head(h.mean(1)), coverage


def main():
    x, y = make_windows(24)
    mu, sd = x.mean((0, 1)), x.std((0, 1)) + 1e-6
    x = (x - mu) / sd
    split = torch.randperm(len(y))
    train_idx, val_idx = split[:96], split[96:]

    model = ActivityMoE(len(ACTIVITIES))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(4):
        model.train()
        order = train_idx[torch.randperm(len(train_idx))]
        for i in range(0, len(order), 16):
            b = order[i:i + 16]
            logits, coverage = model(x[b])
            loss = F.cross_entropy(logits, y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            val_logits, _ = model(x[val_idx])
            acc = (val_logits.argmax(-1) == y[val_idx]).float().mean().item()
        print(f"epoch {epoch} loss {loss.item():.3f} coverage {coverage.item():.2f} val acc {acc:.2f}")


if __name__ == "__main__":
    main()
