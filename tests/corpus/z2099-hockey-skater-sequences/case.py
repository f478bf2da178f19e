"""Expected-goals model for ice hockey from skater tracking before each shot.

For every shot attempt we keep the last 3 seconds of tracking (10 Hz) for the
10 skaters on the ice plus the puck. Each skater's trajectory goes through a
shared GRU; skater summaries and the puck path are pooled to give a goal
probability for the shot.
"""
import torch
import torch.nn as nn

torch.manual_seed(21)

HZ = 10
SECONDS_BEFORE_SHOT = 3
N_FRAMES = HZ * SECONDS_BEFORE_SHOT
N_SKATERS = 10
RINK = torch.tensor([200.0, 85.0])  # feet
NET = torch.tensor([189.0, 42.5])


def simulate_shots(n_shots):
    """Returns skaters (shots, frames, skaters, xy), puck (shots, frames, xy) and goal labels."""
    start = torch.rand(n_shots, 1, N_SKATERS, 2) * RINK
    drift = torch.randn(n_shots, N_FRAMES, N_SKATERS, 2).cumsum(dim=1) * 1.5
    skaters = (start + drift).clamp(min=0).minimum(RINK)
    puck_start = torch.rand(n_shots, 1, 2) * RINK
    puck = (puck_start + torch.randn(n_shots, N_FRAMES, 2).cumsum(dim=1) * 3.0).clamp(min=0).minimum(RINK)
    shooter_dist = (puck[:, -1] - NET).norm(dim=-1)
    goal_prob = torch.sigmoid(2.0 - shooter_dist / 15.0)
    goals = torch.bernoulli(goal_prob)
    return skaters, puck, goals


def normalise(coords):
    return (coords - RINK / 2) / (RINK / 2)


class SkaterXG(nn.Module):
    def __init__(self, hidden=24):
        super().__init__()
        self.skater_rnn = nn.GRU(2, hidden, batch_first=True)
        self.puck_rnn = nn.GRU(2, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(2 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, skaters, puck):
        n_shots, n_frames, n_skaters, _ = skaters.shape
        per_skater = skaters.permute(0, 2, 1, 3)
        per_skater = per_skater.view(n_shots * n_skaters, n_frames, 2)
        _, h_sk = self.skater_rnn(per_skater)
        skater_summary = h_sk[-1].view(n_shots, n_skaters, -1).mean(dim=1)
        _, h_puck = self.puck_rnn(puck)
        return self.head(torch.cat([skater_summary, h_puck[-1]], dim=-1)).squeeze(-1)


def log_loss(probs, goals):
    eps = 1e-6
    return -(goals * (probs + eps).log() + (1 - goals) * (1 - probs + eps).log()).mean().item()


def main():
    skaters, puck, goals = simulate_shots(320)
    skaters, puck = normalise(skaters), normalise(puck)
    print(f"skater tracking {tuple(skaters.shape)}, puck {tuple(puck.shape)}, goal rate {goals.mean():.2f}")

    n_train = 256
    model = SkaterXG()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    criterion = nn.BCEWithLogitsLoss()

    for epoch in range(5):
        order = torch.randperm(n_train)
        epoch_loss = 0.0
        for start in range(0, n_train, 32):
            idx = order[start : start + 32]
            logits = model(skaters[idx], puck[idx])
            loss = criterion(logits, goals[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item() * len(idx)
        print(f"epoch {epoch + 1}: bce {epoch_loss / n_train:.4f}")

    model.eval()
    with torch.no_grad():
        xg = torch.sigmoid(model(skaters[n_train:], puck[n_train:]))
    held_goals = goals[n_train:]
    print(f"held-out log loss {log_loss(xg, held_goals):.4f}")
    print(f"sum xG {xg.sum():.2f} vs actual goals {int(held_goals.sum())}")


if __name__ == "__main__":
    main()
