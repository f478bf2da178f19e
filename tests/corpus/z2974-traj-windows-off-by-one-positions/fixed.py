import math
import random

import torch
import torch.nn as nn
from transformers import BertConfig, BertModel

random.seed(3)
torch.manual_seed(3)

settings = {
    "arm": {"dof": 6, "use_quat": True},
    "window": {"context": 32, "stride": 8},
    "net": {"width": 32, "depth": 1, "heads": 2, "ffn": 64},
    "opt": {"lr": 5e-4, "epochs": 2, "batch": 4, "wd": 1e-4},
}


def axis_angle_to_quat(axis, angle):
    axis = axis / axis.norm(dim=-1, keepdim=True)
    half = angle.unsqueeze(-1) / 2
    return torch.cat([torch.cos(half), axis * torch.sin(half)], dim=-1)


def record_rollout(n_steps, dof):
    t = torch.linspace(0, 2 * math.pi, n_steps)
    phase = torch.rand(dof) * math.pi
    joints = torch.sin(t.unsqueeze(-1) + phase) * 0.8 + 0.02 * torch.randn(n_steps, dof)
    axis = torch.randn(n_steps, 3)
    quat = axis_angle_to_quat(axis, 0.3 * torch.sin(t))
    return {"q": joints, "ee_quat": quat}


def stack_obs(rollout, use_quat):
    parts = [rollout["q"]]
    if use_quat:
        parts.append(rollout["ee_quat"])
    return torch.cat(parts, dim=-1)


def iter_windows(rollouts, context, stride, use_quat):
    for ro in rollouts:
        seq = stack_obs(ro, use_quat)
        for start in range(0, seq.shape[0] - context - 1, stride):
            chunk = seq[start:start + context + 1]
            inputs = chunk[:-1]
            targets = chunk[1:, : ro["q"].shape[-1]]
            yield inputs, targets


def batched(gen, bs):
    buf = []
    for item in gen:
        buf.append(item)
        if len(buf) == bs:
            xs, ys = zip(*buf)
            yield torch.stack(xs), torch.stack(ys)
            buf = []


class NextJointPredictor(nn.Module):
    def __init__(self, obs_dim, dof, net, context):
        super().__init__()
        self.embed = nn.Linear(obs_dim, net["width"])
        cfg = BertConfig(
            vocab_size=4,
            hidden_size=net["width"],
            num_hidden_layers=net["depth"],
            num_attention_heads=net["heads"],
            intermediate_size=net["ffn"],
            max_position_embeddings=context,
            type_vocab_size=1,
            hidden_dropout_prob=0.0,
            attention_probs_dropout_prob=0.0,
            is_decoder=True,
        )
        self.core = BertModel(cfg, add_pooling_layer=False)
        self.out = nn.Linear(net["width"], dof)

    def forward(self, obs_seq):
        h = self.core(inputs_embeds=self.embed(obs_seq)).last_hidden_state
        return self.out(h)


def train():
    arm, win, net, opt_cfg = settings["arm"], settings["window"], settings["net"], settings["opt"]
    rollouts = [record_rollout(random.randint(80, 120), arm["dof"]) for _ in range(12)]
    obs_dim = stack_obs(rollouts[0], arm["use_quat"]).shape[-1]

    model = NextJointPredictor(obs_dim, arm["dof"], net, win["context"])
    optimizer = torch.optim.AdamW(model.parameters(), lr=opt_cfg["lr"], weight_decay=opt_cfg["wd"])
    mse = nn.MSELoss()

    step = 0
    for epoch in range(opt_cfg["epochs"]):
        random.shuffle(rollouts)
        losses = []
        for x, y in batched(iter_windows(rollouts, win["context"], win["stride"], arm["use_quat"]), opt_cfg["batch"]):
            pred = model(x)
            loss = mse(pred, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            step += 1
        print(f"epoch {epoch} steps {step} mse {sum(losses) / len(losses):.5f}")


if __name__ == "__main__":
    train()
