"""Next-event prediction from soccer player-tracking windows.

Tracking comes at 25 fps as (frames, on-pitch players, xy) in metres on a
105 x 68 pitch. Each 2-second window is summarised per player (position,
speed, distance) and combined with a learned player embedding to predict the
next on-ball event: pass, shot, dribble or tackle.
"""
import torch
import torch.nn as nn

torch.manual_seed(11)

FPS = 25
WINDOW = 2 * FPS
PITCH = torch.tensor([105.0, 68.0])
EVENTS = ["pass", "shot", "dribble", "tackle"]

home_squad = [f"ARS_{n}" for n in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 29, 12, 15, 17, 19, 20, 24, 41)]
away_squad = [f"TOT_{n}" for n in (1, 3, 5, 6, 7, 8, 9, 10, 13, 14, 16, 17, 18, 20, 21, 23, 37, 40)]
matchday_squad = home_squad + away_squad
starting_lineup = home_squad[:11] + away_squad[:11]
squad_index = {pid: i for i, pid in enumerate(matchday_squad)}


def simulate_tracking(n_frames, n_players):
    start = torch.rand(n_players, 2) * PITCH
    steps = torch.randn(n_frames, n_players, 2) * 0.18
    path = start + steps.cumsum(dim=0)
    return torch.minimum(torch.clamp(path, min=0.0), PITCH)


def player_kinematics(window, roster):
    rows = []
    for slot in range(len(roster)):
        path = window[:, slot]
        step = path[1:] - path[:-1]
        speed = step.norm(dim=-1) * FPS
        centre = path.mean(dim=0) / PITCH
        rows.append(torch.cat([centre, speed.mean().view(1), speed.max().view(1), step.norm(dim=-1).sum().view(1)]))
    return torch.stack(rows)


def build_window_features(window, roster):
    kin = player_kinematics(window, roster)
    ids = torch.tensor([squad_index[pid] for pid in roster])
    return kin, ids


class NextEventModel(nn.Module):
    def __init__(self, n_squad, n_kin=5, emb_dim=8, hidden=32):
        super().__init__()
        self.player_emb = nn.Embedding(n_squad, emb_dim)
        self.player_mlp = nn.Sequential(nn.Linear(n_kin + emb_dim, hidden), nn.ReLU())
        self.event_head = nn.Linear(2 * hidden, len(EVENTS))

    def forward(self, kin, ids):
        per_player = self.player_mlp(torch.cat([kin, self.player_emb(ids)], dim=-1))
        home = per_player[:, :11].mean(dim=1)
        away = per_player[:, 11:].mean(dim=1)
        return self.event_head(torch.cat([home, away], dim=-1))


def make_dataset(tracking, event_labels):
    kin_list, id_list = [], []
    for w in range(len(event_labels)):
        window = tracking[w * WINDOW : (w + 1) * WINDOW]
        kin, ids = build_window_features(window, matchday_squad)
        kin_list.append(kin)
        id_list.append(ids)
    return torch.stack(kin_list), torch.stack(id_list), torch.tensor(event_labels)


def main():
    n_windows = 40
    tracking = simulate_tracking(n_windows * WINDOW, len(starting_lineup))
    event_labels = torch.randint(0, len(EVENTS), (n_windows,)).tolist()
    print(f"tracking tensor: {tuple(tracking.shape)}, windows: {n_windows}")

    kin, ids, labels = make_dataset(tracking, event_labels)
    split = 32
    model = NextEventModel(len(matchday_squad))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()

    for epoch in range(20):
        model.train()
        perm = torch.randperm(split)
        for start in range(0, split, 8):
            idx = perm[start : start + 8]
            loss = loss_fn(model(kin[idx], ids[idx]), labels[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if epoch % 5 == 4:
            print(f"epoch {epoch + 1}: train loss {loss.item():.3f}")

    model.eval()
    with torch.no_grad():
        preds = model(kin[split:], ids[split:]).argmax(dim=-1)
    acc = (preds == labels[split:]).float().mean().item()
    print(f"held-out next-event accuracy: {acc:.2f}")
    print("predicted:", [EVENTS[p] for p in preds.tolist()])


if __name__ == "__main__":
    main()
