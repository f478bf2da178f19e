"""Goal-conditioned history transformer for a 7-DoF arm reaching task, trained with
advantage-weighted regression on scripted (noisy) demonstrations.

Each sample = goal position token + the last CONTEXT proprio observations.
Short episodes are left-padded and masked out of attention.
"""
import random
import torch
import torch.nn as nn

torch.manual_seed(0)
random.seed(0)

PROPRIO_DIM = 17    # 7 joint pos + 7 joint vel + 3 ee pos
GOAL_DIM = 3
ACT_DIM = 4         # ee delta xyz + gripper
CONTEXT = 10
D_MODEL = 32
GAMMA = 0.98
AWR_BETA = 1.0


def scripted_episode(length):
    goal = torch.rand(GOAL_DIM) * 0.6 - 0.3
    ee = torch.zeros(3)
    obs, acts, rews = [], [], []
    for _ in range(length):
        joints = torch.randn(14) * 0.1
        obs.append(torch.cat([joints, ee]))
        delta = (goal - ee).clamp(-0.05, 0.05) + 0.01 * torch.randn(3)
        grip = torch.tensor([1.0 if (goal - ee).norm() < 0.05 else -1.0])
        acts.append(torch.cat([delta, grip]))
        ee = ee + delta
        rews.append(-float((goal - ee).norm()))
    return goal, torch.stack(obs), torch.stack(acts), torch.tensor(rews)


def discounted_returns(rews):
    out = torch.zeros_like(rews)
    running = 0.0
    for t in reversed(range(len(rews))):
        running = rews[t] + GAMMA * running
        out[t] = running
    return out


def make_windows(episodes):
    goals, hist, pad, target_act, target_ret = [], [], [], [], []
    for goal, obs, acts, rets in episodes:
        for t in range(len(obs)):
            window = obs[max(0, t - CONTEXT + 1): t + 1]
            n_pad = CONTEXT - window.shape[0]
            window = torch.cat([torch.zeros(n_pad, PROPRIO_DIM), window])
            goals.append(goal)
            hist.append(window)
            pad.append(torch.arange(CONTEXT) < n_pad)
            target_act.append(acts[t])
            target_ret.append(rets[t])
    return (torch.stack(goals), torch.stack(hist), torch.stack(pad),
            torch.stack(target_act), torch.stack(target_ret))


class HistoryPolicy(nn.Module):
    def __init__(self):
        super().__init__()
        self.goal_embed = nn.Linear(GOAL_DIM, D_MODEL)
        self.obs_embed = nn.Linear(PROPRIO_DIM, D_MODEL)
        self.pos = nn.Parameter(torch.zeros(1, CONTEXT + 1, D_MODEL))
        layer = nn.TransformerEncoderLayer(D_MODEL, nhead=4, dim_feedforward=64,
                                           dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.action_head = nn.Linear(D_MODEL, ACT_DIM)
        self.value_head = nn.Linear(D_MODEL, 1)

    def forward(self, goal, history, pad_mask):
        goal_tok = self.goal_embed(goal).unsqueeze(1)
        obs_tok = self.obs_embed(history)
        tokens = torch.cat([goal_tok, obs_tok], dim=1) + self.pos
        h = self.encoder(tokens, src_key_padding_mask=pad_mask)
        last = h[:, -1]
        return torch.tanh(self.action_head(last)), self.value_head(last).squeeze(-1)


def main():
    episodes = []
    for _ in range(8):
        goal, obs, acts, rews = scripted_episode(random.randint(4, 30))
        episodes.append((goal, obs, acts, discounted_returns(rews)))
    goals, hist, pad, acts, rets = make_windows(episodes)
    print(f"{len(goals)} windows, history {tuple(hist.shape)}, pad mask {tuple(pad.shape)}")

    policy = HistoryPolicy()
    opt = torch.optim.Adam(policy.parameters(), lr=1e-3)
    batch_size = 64
    for epoch in range(1):
        perm = torch.randperm(len(goals))
        total = 0.0
        for i in range(0, len(perm), batch_size):
            idx = perm[i:i + batch_size]
            pred_act, value = policy(goals[idx], hist[idx], pad[idx])
            with torch.no_grad():
                adv = rets[idx] - value
                weights = torch.exp(adv / AWR_BETA).clamp(max=20.0)
            bc = ((pred_act - acts[idx]) ** 2).sum(-1)
            loss = (weights * bc).mean() + 0.5 * (value - rets[idx]).pow(2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch}  loss {total / len(goals):.4f}")


if __name__ == "__main__":
    main()
