import re
import random

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
random.seed(0)

BOARD = 9
COLS = "abcdefghi"

SGF_GAMES = [
    "(;GM[1]SZ[9]KM[6.5]RE[W+4.5];B[ee];W[cg];B[gc];W[gg];B[cc];W[fg];B[dg];W[dh];B[eg];W[ef];B[ff];W[eh])",
    "(;GM[1]SZ[9]KM[7.0]RE[B+2.0];B[ee];W[ce];B[gd];W[dc];B[eg];W[cg];B[ed];W[dd];B[fc];W[eb])",
    "(;GM[1]SZ[9]KM[5.5]RE[B+R];B[dd];W[ff];B[fd];W[df];B[ed];W[ef];B[gf];W[gg];B[hg];W[fg])",
    "(;GM[1]SZ[9]KM[6.5]RE[W+R];B[fe];W[dd];B[cf];W[ec];B[fc];W[fb];B[gb];W[eb];B[gd];W[dg];B[eg])",
    "(;GM[1]SZ[9]KM[0.5]RE[B+7.5];B[ee];W[dc];B[cd];W[dd];B[de];W[ec];B[fd];W[fc];B[gc];W[gb])",
]


def parse_sgf(record):
    komi = float(re.search(r"KM\[([\d.]+)\]", record).group(1))
    result = re.search(r"RE\[([BW])\+", record).group(1)
    moves = []
    for color, coord in re.findall(r";([BW])\[([a-i]{2})\]", record):
        col, row = COLS.index(coord[0]), COLS.index(coord[1])
        moves.append((color, row, col))
    return komi, result, moves


def positions_from_game(record):
    komi, result, moves = parse_sgf(record)
    stones = torch.zeros(2, BOARD, BOARD)
    samples = []
    for color, row, col in moves:
        me = 0 if color == "B" else 1
        planes = torch.zeros(3, BOARD, BOARD)
        planes[0] = stones[me]
        planes[1] = stones[1 - me]
        planes[2] = 1.0 if color == "B" else 0.0
        target = row * BOARD + col
        outcome = 1.0 if color == result else -1.0
        side_komi = -komi if color == "W" else komi
        samples.append((planes, target, outcome, side_komi / 10.0))
        stones[me, row, col] = 1.0
    return samples


class ResBlock(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.c1 = nn.Conv2d(ch, ch, 3, padding=1, bias=False)
        self.b1 = nn.BatchNorm2d(ch)
        self.c2 = nn.Conv2d(ch, ch, 3, padding=1, bias=False)
        self.b2 = nn.BatchNorm2d(ch)

    def forward(self, x):
        y = F.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return F.relu(x + y)


class GoNet(nn.Module):
    def __init__(self, board=BOARD, in_planes=3, filters=32, blocks=2):
        super().__init__()
        self.area = board * board
        self.stem = nn.Sequential(
            nn.Conv2d(in_planes, filters, 3, padding=1, bias=False),
            nn.BatchNorm2d(filters),
            nn.ReLU(),
        )
        self.tower = nn.Sequential(*[ResBlock(filters) for _ in range(blocks)])
        self.policy_conv = nn.Conv2d(filters, 2, 1)
        self.policy_fc = nn.Linear(2 * self.area, self.area + 1)
        self.value_conv = nn.Conv2d(filters, 1, 1)
        self.value_fc = nn.Linear(self.area + 1, 64)
        self.value_out = nn.Linear(64, 1)

    def forward(self, planes, komi):
        h = self.tower(self.stem(planes))
        p = F.relu(self.policy_conv(h)).flatten(1)
        policy_logits = self.policy_fc(p)
        v = F.relu(self.value_conv(h)).flatten(1)
        v = torch.cat([v, komi.unsqueeze(1)], dim=1)
        v = F.relu(self.value_fc(v))
        value = torch.tanh(self.value_out(v)).squeeze(1)
        return policy_logits, value


def batches(samples, size):
    order = list(range(len(samples)))
    random.shuffle(order)
    for start in range(0, len(order), size):
        chunk = [samples[i] for i in order[start:start + size]]
        planes = torch.stack([c[0] for c in chunk])
        targets = torch.tensor([c[1] for c in chunk])
        outcomes = torch.tensor([c[2] for c in chunk])
        komis = torch.tensor([c[3] for c in chunk])
        yield planes, targets, outcomes, komis


def main():
    samples = []
    for record in SGF_GAMES:
        samples.extend(positions_from_game(record))
    print(f"{len(samples)} positions from {len(SGF_GAMES)} games")

    net = GoNet()
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)

    for epoch in range(3):
        net.train()
        total = 0.0
        for planes, targets, outcomes, komis in batches(samples, 16):
            policy_logits, value = net(planes, komis)
            loss = F.cross_entropy(policy_logits, targets) + F.mse_loss(value, outcomes)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * planes.size(0)
        print(f"epoch {epoch}: loss {total / len(samples):.4f}")

    net.eval()
    with torch.no_grad():
        planes, _, _, komis = next(batches(samples[:1], 1))
        logits, value = net(planes, komis)
        best = logits[0, :-1].argmax().item()
        print("suggested move:", COLS[best % BOARD] + COLS[best // BOARD], "value", round(value.item(), 3))


if __name__ == "__main__":
    main()
