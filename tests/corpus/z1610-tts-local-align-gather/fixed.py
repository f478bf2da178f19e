import math
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

PHONES = ["sil", "AA", "AE", "B", "D", "EH", "F", "G", "IY", "K", "L", "M",
          "N", "OW", "P", "R", "S", "T", "UW", "Z"]
N_MELS = 16
HIDDEN = 48
N_HEADS = 4
WINDOW = 2          # frames look at aligned phone +- WINDOW
FRAMES_PER_PHONE = 4


def synth_batch(n_utts, n_phones):
    phone_seq = torch.randint(1, len(PHONES), (n_utts, n_phones))
    n_frames = n_phones * FRAMES_PER_PHONE
    proto = torch.randn(len(PHONES), N_MELS)
    mels = proto[phone_seq].repeat_interleave(FRAMES_PER_PHONE, dim=1)
    mels = mels + 0.1 * torch.randn(n_utts, n_frames, N_MELS)
    return phone_seq, mels


class PhoneEncoder(nn.Module):
    def __init__(self, n_sym, dim):
        super().__init__()
        self.emb = nn.Embedding(n_sym, dim)
        self.conv = nn.Conv1d(dim, dim, kernel_size=3, padding=1)

    def forward(self, phone_seq):
        x = self.emb(phone_seq)
        return x + F.relu(self.conv(x.transpose(1, 2))).transpose(1, 2)


class LocalAlignAttention(nn.Module):
    """Each decoder frame attends to a small window of phones around its
    linearly-aligned position."""

    def __init__(self, dim, heads, window):
        super().__init__()
        self.heads = heads
        self.dh = dim // heads
        self.window = window
        self.q_proj = nn.Linear(dim, dim)
        self.kv_proj = nn.Linear(dim, 2 * dim)
        self.o_proj = nn.Linear(dim, dim)

    def neighbour_index(self, n_frames, n_phones):
        frame_pos = torch.arange(n_frames)
        centers = (frame_pos * n_phones / n_frames).floor().long()
        offsets = torch.arange(-self.window, self.window + 1)
        idx = (centers[:, None] + offsets[None, :]).clamp(0, n_phones - 1)
        return idx  # (n_frames, 2w+1)

    def forward(self, frame_q, phone_h):
        b, t, d = frame_q.shape
        p = phone_h.size(1)
        span = 2 * self.window + 1
        idx = self.neighbour_index(t, p)
        flat = idx.reshape(1, t * span, 1).expand(b, t * span, 2 * d)
        kv = self.kv_proj(phone_h)
        local_kv = kv.gather(1, flat).view(b, t, span, 2 * d)
        k, v = local_kv.chunk(2, dim=-1)
        q = self.q_proj(frame_q).view(b, t, self.heads, self.dh)
        k = k.view(b, t, span, self.heads, self.dh)
        v = v.view(b, t, span, self.heads, self.dh)
        scores = torch.einsum("btnd,btsnd->btns", q, k) / math.sqrt(self.dh)
        weights = scores.softmax(dim=-1)
        ctx = torch.einsum("btns,btsnd->btnd", weights, v).reshape(b, t, d)
        return self.o_proj(ctx)


class TinyAcousticModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = PhoneEncoder(len(PHONES), HIDDEN)
        self.frame_pos = nn.Embedding(512, HIDDEN)
        self.align_attn = LocalAlignAttention(HIDDEN, N_HEADS, WINDOW)
        self.norm = nn.LayerNorm(HIDDEN)
        self.to_mel = nn.Sequential(nn.Linear(HIDDEN, HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, N_MELS))

    def forward(self, phone_seq, n_frames):
        phone_h = self.encoder(phone_seq)
        queries = self.frame_pos(torch.arange(n_frames)).unsqueeze(0).expand(phone_seq.size(0), -1, -1)
        h = self.norm(queries + self.align_attn(queries, phone_h))
        return self.to_mel(h)


def main():
    phone_seq, mels = synth_batch(n_utts=16, n_phones=10)
    model = TinyAcousticModel()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)

    for step in range(20):
        pick = torch.randint(0, phone_seq.size(0), (4,))
        pred = model(phone_seq[pick], mels.size(1))
        loss = F.l1_loss(pred, mels[pick])
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 20 == 0:
            print(f"step {step:3d}  l1 {loss.item():.4f}")

    with torch.no_grad():
        full = model(phone_seq, mels.size(1))
    print("final l1:", F.l1_loss(full, mels).item())


if __name__ == "__main__":
    main()
