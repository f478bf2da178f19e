import torch
import torch.nn as nn
import torch.nn.functional as F

N_LEADS = 3
N_DEMOGRAPHICS = 4
RHYTHMS = ["sinus", "afib", "flutter", "pvc", "brady", "tachy"]


def synth_recordings(n, length=120, seed=1):
    g = torch.Generator().manual_seed(seed)
    rhythm = torch.randint(0, len(RHYTHMS), (n,), generator=g)
    t = torch.linspace(0, 6.28, length)
    freq = 1.0 + rhythm.float().unsqueeze(1) * 0.4
    base = torch.sin(freq * t * 4)
    leads = base.unsqueeze(-1).repeat(1, 1, N_LEADS)
    leads = leads + 0.2 * torch.randn(n, length, N_LEADS, generator=g)
    demo = torch.randn(n, N_DEMOGRAPHICS, generator=g)
    return leads, demo, rhythm


class RhythmNet(nn.Module):
    def __init__(self, n_leads, hid, n_demo, n_classes):
        super().__init__()
        self.parts = nn.ModuleDict({
            "lead_rnn": nn.LSTM(n_leads, hid, batch_first=True, bidirectional=True),
            "demo_proj": nn.Linear(n_demo, n_demo),
            "rhythm_clf": nn.Sequential(
                nn.Linear(hid + n_demo, 64), nn.ReLU(), nn.Linear(64, n_classes)
            ),
        })

    def forward(self, leads, demo):
        _, (h_n, c_n) = self.parts["lead_rnn"](leads)
        summary = torch.cat([h_n[-2], h_n[-1]], dim=1)
        demo_feat = torch.tanh(self.parts["demo_proj"](demo))
        joint = torch.cat([summary, demo_feat], dim=1)
        return self.parts["rhythm_clf"](joint)


def main():
    torch.manual_seed(0)
    hid = 48
    leads, demo, rhythm = synth_recordings(64)
    model = RhythmNet(N_LEADS, hid, N_DEMOGRAPHICS, len(RHYTHMS))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for epoch in range(1):
        perm = torch.randperm(len(leads))
        for i in range(0, len(leads), 32):
            idx = perm[i:i + 32]
            logits = model(leads[idx], demo[idx])
            loss = F.cross_entropy(logits, rhythm[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
