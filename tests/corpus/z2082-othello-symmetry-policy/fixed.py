import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)

TRANSCRIPTS = """
c4e3f6e6f7e7f2g8f3g7e8d8g6b3f8h6h7h8c8d3g5
c4c5c6b5d6e7a4c7c8c3e3b6b2d3c2f2f6e6f8a5
e6f6g6f4e3d2e2f2g3h4h2e7f3d6c7c6b7b6b5g7c5a7f1c4
f5f6c4f4g7f7e7d3g4b5e6g6b4c3c2g8h7f8
f5f4f3g4c3c6h5d6d3b2b7d2e6d7c7a7c4g6e2
f5f4c3c4g3b2b3e6d3g4d6g2a1c5f6b4e3f3
"""

DIRECTIONS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def initial_board():
    grid = [[0] * 8 for _ in range(8)]
    grid[3][3] = grid[4][4] = -1
    grid[3][4] = grid[4][3] = 1
    return grid


def captured(grid, r, c, me):
    if grid[r][c] != 0:
        return []
    taken = []
    for dr, dc in DIRECTIONS:
        line, rr, cc = [], r + dr, c + dc
        while 0 <= rr < 8 and 0 <= cc < 8 and grid[rr][cc] == -me:
            line.append((rr, cc))
            rr, cc = rr + dr, cc + dc
        if line and 0 <= rr < 8 and 0 <= cc < 8 and grid[rr][cc] == me:
            taken.extend(line)
    return taken


def replay(transcript):
    grid, me = initial_board(), 1
    positions = []
    for i in range(0, len(transcript), 2):
        c, r = "abcdefgh".index(transcript[i]), int(transcript[i + 1]) - 1
        flips = captured(grid, r, c, me)
        if not flips:
            raise ValueError(f"illegal move {transcript[i:i + 2]} in {transcript}")
        board = torch.tensor(grid, dtype=torch.float32) * me
        planes = torch.stack([(board == 1).float(), (board == -1).float()])
        legal = torch.zeros(8, 8, dtype=torch.bool)
        for rr in range(8):
            for cc in range(8):
                legal[rr, cc] = bool(captured(grid, rr, cc, me))
        positions.append((planes, legal, r * 8 + c))
        for rr, cc in flips:
            grid[rr][cc] = me
        grid[r][c] = me
        me = -me
    return positions


def apply_symmetry(t, k):
    out = torch.rot90(t, k % 4, dims=(-2, -1))
    if k >= 4:
        out = out.transpose(-2, -1)
    return out.contiguous()


def symmetric_targets(targets, k):
    square_ids = apply_symmetry(torch.arange(64).view(8, 8), k).reshape(64)
    inverse = torch.empty(64, dtype=torch.long)
    inverse[square_ids] = torch.arange(64)
    return inverse[targets]


class PolicyMLP(nn.Module):
    def __init__(self, hidden=256):
        super().__init__()
        self.fc1 = nn.Linear(2 * 64, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.head = nn.Linear(hidden, 64)

    def forward(self, planes, legal):
        x = planes.view(planes.size(0), -1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        logits = self.head(x)
        return logits.masked_fill(~legal.view(legal.size(0), -1), float("-inf"))


def main():
    records = [line.strip() for line in TRANSCRIPTS.strip().splitlines()]
    data = [pos for rec in records for pos in replay(rec)]
    planes = torch.stack([d[0] for d in data])
    legal = torch.stack([d[1] for d in data])
    targets = torch.tensor([d[2] for d in data])
    print(f"{len(records)} games -> {len(data)} positions")

    policy = PolicyMLP()
    opt = torch.optim.Adam(policy.parameters(), lr=1e-3)
    batch = 32
    step = 0
    for epoch in range(3):
        perm = torch.randperm(len(data))
        for s in range(0, len(data), batch):
            idx = perm[s:s + batch]
            sym = step % 8
            b_planes = apply_symmetry(planes[idx], sym)
            b_legal = apply_symmetry(legal[idx], sym)
            b_targets = symmetric_targets(targets[idx], sym)
            logits = policy(b_planes, b_legal)
            loss = F.cross_entropy(logits, b_targets)
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
        print(f"epoch {epoch}: last loss {loss.item():.3f}")

    with torch.no_grad():
        pred = policy(planes[:1], legal[:1]).argmax(-1).item()
    print("opening suggestion:", "abcdefgh"[pred % 8] + str(pred // 8 + 1))


if __name__ == "__main__":
    main()
