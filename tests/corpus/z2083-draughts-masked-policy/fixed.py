import re

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)

PDN_GAMES = [
    "1. 10-14 24-19 2. 12-16 19x12 3. 14-18 23x14 4. 9x18 22x15 5. 11x18 21-17 6. 8-11 27-23 7. 18x27 32x23 8. 4-8 23-19 9. 5-9 19-16 10. 11x20 26-22",
    "1. 12-16 24-20 2. 10-14 22-17 3. 16-19 17x10 4. 6x15 23x16 5. 7-10 16x7 6. 2x11 20-16 7. 11x20 28-24 8. 8-12 24-19 9. 15x24",
    "1. 10-14 22-17 2. 11-16 17x10 3. 6x15 25-22 4. 7-11 24-20 5. 9-13 21-17 6. 15-18 23x14 7. 2-6 22-18 8. 13x22 26x17 9. 6-9 27-24",
    "1. 11-15 23-19 2. 7-11 24-20 3. 15x24 28x19 4. 10-14 22-18 5. 14x23 27x18 6. 11-15 18x11 7. 8x15 19x10 8. 6x15 20-16 9. 12x19 21-17 10. 4-8 31-27 11. 1-6 32-28",
    "1. 10-15 22-18 2. 15x22 25x18 3. 9-14 18x9 4. 5x14 24-19 5. 6-9 23-18 6. 14x23 27x18 7. 12-16 19x12 8. 9-13 30-25 9. 1-5 26-23 10. 7-10 18-14 11. 10x17 21x14",
    "1. 10-14 23-19 2. 12-16 19x12 3. 9-13 22-18 4. 14x23 27x18 5. 11-16 25-22 6. 7-11 21-17 7. 3-7 12x3 8. 7-10 30-25 9. 5-9",
    "1. 9-13 21-17 2. 11-15 24-19 3. 15x24 27x20 4. 6-9 25-21 5. 9-14 31-27 6. 12-16 20x11 7. 7x16 29-25 8. 1-6 27-24 9. 8-12 23-18 10. 14x23 26x19 11. 16x23",
]


def square_to_rc(n):
    row = (n - 1) // 4
    return row, 2 * ((n - 1) % 4) + (1 if row % 2 == 0 else 0)


def rc_to_square(row, col):
    return row * 4 + col // 2 + 1


def parse_pdn(text):
    return [(int(a), sep, int(b)) for a, sep, b in re.findall(r"(\d+)([-x])(\d+)", re.sub(r"\d+\.\s", "", text))]


def encode(board, side):
    own = torch.tensor([1.0 if board[n] == side else 0.0 for n in range(1, 33)])
    opp = torch.tensor([1.0 if board[n] not in (None, side) else 0.0 for n in range(1, 33)])
    turn = torch.full((32,), 1.0 if side == "b" else 0.0)
    return torch.cat([own, opp, turn])


def build_dataset(games, move_index):
    feats, legal_rows, played = [], [], []
    for text in games:
        board = {n: ("b" if n <= 12 else "w" if n >= 21 else None) for n in range(1, 33)}
        side = "b"
        for src, sep, dst in parse_pdn(text):
            legal = torch.zeros(len(move_index))
            for (a, b), k in move_index.items():
                if board[a] == side and board[b] is None:
                    legal[k] = 1.0
            feats.append(encode(board, side))
            legal_rows.append(legal)
            played.append(move_index[(src, dst)])
            if sep == "x":
                (r1, c1), (r2, c2) = square_to_rc(src), square_to_rc(dst)
                board[rc_to_square((r1 + r2) // 2, (c1 + c2) // 2)] = None
            board[dst], board[src] = board[src], None
            side = "w" if side == "b" else "b"
    return torch.stack(feats), torch.stack(legal_rows), torch.tensor(played)


class DraughtsPolicy(nn.Module):
    def __init__(self, n_moves, width=128):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(96, width), nn.ReLU(),
            nn.Linear(width, width), nn.ReLU(),
        )
        self.move_head = nn.Linear(width, n_moves)

    def forward(self, x):
        return self.move_head(self.body(x))


def masked_policy(logits, legal):
    probs = F.softmax(logits, dim=-1)
    probs = probs * legal
    return probs / probs.sum(dim=-1, keepdim=True).clamp_min(1e-12)


def main():
    all_moves = sorted({(a, b) for g in PDN_GAMES for a, _, b in parse_pdn(g)})
    move_index = {mv: i for i, mv in enumerate(all_moves)}
    feats, legal, played = build_dataset(PDN_GAMES, move_index)
    print(f"{feats.size(0)} positions, {len(move_index)} distinct moves")

    net = DraughtsPolicy(len(move_index))
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    for epoch in range(5):
        order = torch.randperm(feats.size(0))
        total = 0.0
        for start in range(0, len(order), 16):
            idx = order[start:start + 16]
            probs = masked_policy(net(feats[idx]), legal[idx])
            picked = probs.gather(1, played[idx].unsqueeze(1)).squeeze(1)
            loss = -torch.log(picked + 1e-9).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch}: nll {total / feats.size(0):.4f}")

    with torch.no_grad():
        probs = masked_policy(net(feats[:1]), legal[:1])
        a, b = all_moves[probs.argmax().item()]
        print(f"opening move: {a}-{b}")


if __name__ == "__main__":
    main()
