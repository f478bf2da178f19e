"""Answer-span scorer: pick each question's start-token score out of the per-token scores."""
import torch
import torch.nn as nn

torch.manual_seed(0)


class SpanPicker(nn.Module):
    def __init__(self, hidden=24):
        super().__init__()
        self.score = nn.Linear(hidden, 1)

    def forward(self, token_states, starts):
        scores = self.score(token_states).squeeze(-1)          # (batch, tokens)
        pick = torch.empty(len(starts), 1)
        for row, s in enumerate(starts):
            pick[row, 0] = s
        return scores.gather(1, pick).squeeze(1)


states = torch.randn(4, 10, 24)
gold_starts = [3, 0, 7, 5]
picked = SpanPicker()(states, gold_starts)
loss = -torch.log_softmax(picked, dim=0).mean()
loss.backward()
print("loss", round(loss.item(), 4))
