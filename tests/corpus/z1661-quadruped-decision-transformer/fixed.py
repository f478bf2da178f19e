"""Offline gait learning for a quadruped with a small Decision Transformer.

Each logged episode is a sequence of (return-to-go, proprio state, joint target) triples.
Episodes are cut into windows of CONTEXT steps; short episodes are right-padded.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

STATE_DIM = 36      # base orientation (4) + base vel (6) + 12 joint pos + 12 joint vel + 2 foot contacts
ACT_DIM = 12        # joint position targets
CONTEXT = 20
EMBED = 64
MAX_EP_LEN = 200


def make_logged_episodes(n_eps=8):
    """Synthetic stand-in for teleop / MPC logs of trotting."""
    episodes = []
    for _ in range(n_eps):
        T = int(torch.randint(8, 60, (1,)))
        phase = torch.linspace(0, 4 * math.pi, T)
        states = torch.randn(T, STATE_DIM) * 0.1
        states[:, 10:22] += torch.sin(phase)[:, None]
        actions = torch.tanh(states[:, 10:22] + 0.05 * torch.randn(T, ACT_DIM))
        rewards = 1.0 - 0.1 * actions.pow(2).sum(-1)
        rtg = torch.flip(torch.cumsum(torch.flip(rewards, [0]), 0), [0])
        episodes.append({"s": states, "a": actions, "rtg": rtg, "T": T})
    return episodes


def window_batch(episodes, batch_size):
    """Sample a window per episode, right-pad to CONTEXT, return padding mask (True = pad)."""
    picks = torch.randint(0, len(episodes), (batch_size,))
    S = torch.zeros(batch_size, CONTEXT, STATE_DIM)
    A = torch.zeros(batch_size, CONTEXT, ACT_DIM)
    R = torch.zeros(batch_size, CONTEXT, 1)
    ts = torch.zeros(batch_size, CONTEXT, dtype=torch.long)
    valid = torch.zeros(batch_size, dtype=torch.long)
    for b, ep_i in enumerate(picks.tolist()):
        ep = episodes[ep_i]
        start = int(torch.randint(0, max(1, ep["T"] - CONTEXT + 1), (1,)))
        end = min(start + CONTEXT, ep["T"])
        n = end - start
        S[b, :n] = ep["s"][start:end]
        A[b, :n] = ep["a"][start:end]
        R[b, :n, 0] = ep["rtg"][start:end] / 50.0
        ts[b, :n] = torch.arange(start, end)
        valid[b] = n
    pad_mask = torch.arange(CONTEXT)[None, :] >= valid[:, None]
    return S, A, R, ts, pad_mask


class GaitDT(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed_s = nn.Linear(STATE_DIM, EMBED)
        self.embed_a = nn.Linear(ACT_DIM, EMBED)
        self.embed_r = nn.Linear(1, EMBED)
        self.embed_t = nn.Embedding(MAX_EP_LEN, EMBED)
        self.ln = nn.LayerNorm(EMBED)
        layer = nn.TransformerEncoderLayer(EMBED, nhead=4, dim_feedforward=128,
                                           dropout=0.1, batch_first=True)
        self.blocks = nn.TransformerEncoder(layer, num_layers=2)
        self.act_head = nn.Sequential(nn.Linear(EMBED, ACT_DIM), nn.Tanh())

    def forward(self, S, A, R, ts, pad_mask):
        B, K, _ = S.shape
        te = self.embed_t(ts)
        r_tok = self.embed_r(R) + te
        s_tok = self.embed_s(S) + te
        a_tok = self.embed_a(A) + te
        # interleave as R_0, s_0, a_0, R_1, s_1, a_1, ...
        tokens = torch.stack([r_tok, s_tok, a_tok], dim=2).reshape(B, 3 * K, EMBED)
        tokens = self.ln(tokens)
        causal = torch.triu(torch.ones(3 * K, 3 * K, dtype=torch.bool), diagonal=1)
        token_pad = pad_mask.repeat_interleave(3, dim=1)
        h = self.blocks(tokens, mask=causal, src_key_padding_mask=token_pad)
        h = h.reshape(B, K, 3, EMBED)
        # predict a_t from the state token s_t
        return self.act_head(h[:, :, 1])


def masked_action_loss(pred, target, pad_mask):
    keep = (~pad_mask).unsqueeze(-1).float()
    return ((pred - target).pow(2) * keep).sum() / (keep.sum() * ACT_DIM)


episodes = make_logged_episodes()
model = GaitDT()
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)

for step in range(1):
    S, A, R, ts, pad_mask = window_batch(episodes, batch_size=16)
    pred = model(S, A, R, ts, pad_mask)
    loss = masked_action_loss(pred, A, pad_mask)
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 0.25)
    opt.step()
    if step % 25 == 0:
        print(f"step {step:3d}  action mse {loss.item():.4f}")

model.eval()
with torch.no_grad():
    S, A, R, ts, pad_mask = window_batch(episodes, batch_size=4)
    pred = model(S, A, R, ts, pad_mask)
    print("eval mse", masked_action_loss(pred, A, pad_mask).item())
