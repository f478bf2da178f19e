import random

import torch
import torch.nn as nn

torch.manual_seed(0)
random.seed(0)

# (member id, tool id) loans from a neighbourhood tool library; ids come from the lending desk system
MEMBER_IDS = [3, 7, 12, 18, 21, 26, 33, 41, 48, 57]
TOOL_IDS = [2040, 2043, 2051, 2058, 2062, 2066, 2071, 2079, 2083, 2090, 2094, 2101]

LOANS = []
for m in MEMBER_IDS:
    for t in random.sample(TOOL_IDS, 5):
        LOANS.append((m, t))
random.shuffle(LOANS)
train_loans, held_out = LOANS[:40], LOANS[40:]


class LoanFactorizer(nn.Module):
    def __init__(self, n_members, n_tools, dim=8):
        super().__init__()
        self.members = nn.Embedding(n_members, dim)
        self.tools = nn.Embedding(n_tools, dim)

    def forward(self, member_rows, tool_rows):
        return (self.members(member_rows) * self.tools(tool_rows)).sum(-1)


class LoanRecommender:
    def __init__(self, member_ids, tool_ids, dim=8):
        self.user_ids = torch.tensor(sorted(member_ids))
        self.item_ids = torch.tensor(sorted(tool_ids))
        self.user_pos = self._positions(self.user_ids)
        self.item_pos = self._positions(self.item_ids)
        self.model = LoanFactorizer(len(self.user_ids), len(self.item_ids), dim)

    @staticmethod
    def _positions(raw_ids):
        table = torch.full((int(raw_ids.max()) + 1,), -1, dtype=torch.long)
        table[raw_ids] = torch.arange(len(raw_ids))
        return table

    def fit(self, loans, epochs=60, lr=0.05):
        users = self.user_pos[torch.tensor([m for m, _ in loans])]
        items = self.item_pos[torch.tensor([t for _, t in loans])]
        self.seen = {}
        for u, i in zip(users.tolist(), items.tolist()):
            self.seen.setdefault(u, []).append(i)
        opt = torch.optim.Adam(self.model.parameters(), lr=lr)
        for epoch in range(epochs):
            neg_items = torch.randint(0, len(self.item_ids), items.shape)
            pos = self.model(users, items)
            neg = self.model(users, neg_items)
            loss = -torch.nn.functional.logsigmoid(pos - neg).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            if epoch % 20 == 0:
                print(f"epoch {epoch}: bpr loss {loss.item():.4f}")

    def hit_rate(self, loans, k=3):
        hits = 0
        with torch.no_grad():
            all_items = torch.arange(len(self.item_ids))
            for member, tool in loans:
                u = self.user_pos[member]
                i = self.user_pos[tool]
                scores = self.model(u.expand_as(all_items), all_items)
                scores[self.seen.get(int(u), [])] = float("-inf")
                hits += int(i in scores.topk(k).indices)
        return hits / len(loans)


if __name__ == "__main__":
    print(f"{len(MEMBER_IDS)} members, {len(TOOL_IDS)} tools, {len(train_loans)} train / {len(held_out)} held-out loans")
    rec = LoanRecommender(MEMBER_IDS, TOOL_IDS)
    rec.fit(train_loans)
    print(f"hit@3 on held-out loans: {rec.hit_rate(held_out):.2f}")
