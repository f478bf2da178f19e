"""Tennis broadcast: detect racket-ball contact frames.

A small CNN embeds every frame, a bidirectional GRU runs over the rally, and a
per-frame sigmoid says whether a stroke happens at that frame. Evaluation turns the
per-frame probabilities into events and compares them with annotated contact frames.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)

IMG = 24
EMB = 40
THRESH = 0.5
TOLERANCE = 2


def fake_rally(n_frames, hit_every):
    frames = torch.rand(n_frames, 3, IMG, IMG)
    contact = torch.zeros(n_frames)
    contact[hit_every // 2::hit_every] = 1.0
    frames[contact.bool(), 0] += 0.8     # make contacts visible to the model
    return frames, contact


def pad_rallies(rallies):
    longest = max(r[0].shape[0] for r in rallies)
    frames = torch.zeros(len(rallies), longest, 3, IMG, IMG)
    target = torch.zeros(len(rallies), longest)
    live = torch.zeros(len(rallies), longest, dtype=torch.bool)
    for i, (f, c) in enumerate(rallies):
        n = f.shape[0]
        frames[i, :n], target[i, :n], live[i, :n] = f, c, True
    return frames, target, live


class ContactNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.frame_cnn = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(2),
            nn.Flatten(), nn.Linear(64, EMB),
        )
        self.gru = nn.GRU(EMB, EMB, batch_first=True, bidirectional=True)
        self.cls = nn.Linear(2 * EMB, 1)

    def forward(self, frames):
        b, t = frames.shape[:2]
        emb = self.frame_cnn(frames.flatten(0, 1)).view(b, t, EMB)
        ctx, _ = self.gru(emb)
        return self.cls(ctx).squeeze(-1)


def peaks_to_events(prob_row):
    events = []
    for t in range(1, len(prob_row) - 1):
        if prob_row[t] > THRESH and prob_row[t] >= prob_row[t - 1] and prob_row[t] >= prob_row[t + 1]:
            events.append(t)
    return events


def match_events(prob_row, contact_row):
    """Return (tp, fp, fn) with a +-TOLERANCE frame window."""
    predicted = peaks_to_events(prob_row)
    gold = [t for t in range(prob_row.shape[0]) if contact_row[t] > 0]
    used = set()
    tp = 0
    for p in predicted:
        for g in gold:
            if g not in used and abs(p - g) <= TOLERANCE:
                used.add(g)
                tp += 1
                break
    return tp, len(predicted) - tp, len(gold) - tp


def main():
    rallies = [fake_rally(n, h) for n, h in [(60, 12), (44, 11), (52, 13), (36, 9)]]
    frames, target, live = pad_rallies(rallies)

    net = ContactNet()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    pos_weight = torch.tensor(8.0)
    for step in range(15):
        logits = net(frames)
        loss = F.binary_cross_entropy_with_logits(
            logits[live], target[live], pos_weight=pos_weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 5 == 0:
            print(f"step {step}: bce {loss.item():.4f}")

    net.eval()
    with torch.no_grad():
        probs = torch.sigmoid(net(frames))

    tp = fp = fn = 0
    for i, (_, contact) in enumerate(rallies):
        a, b, c = match_events(probs[i], contact)
        tp, fp, fn = tp + a, fp + b, fn + c
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    print(f"precision {precision:.3f} recall {recall:.3f}")


if __name__ == "__main__":
    main()
