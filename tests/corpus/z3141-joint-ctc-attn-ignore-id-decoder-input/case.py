import os
import math
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SR = 16000
WIN, SHIFT = 400, 160
NUM_BINS = 64
IGNORE_ID = -1
rng = np.random.default_rng(7)
torch.manual_seed(7)

PIECES = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
          "turn", "on", "off", "the", "light", "kitchen", "play", "music", "stop",
          "set", "alarm", "for", "seven", "##s", "##ing", "##ed", "call", "mom", "now"]


def write_vocab():
    path = os.path.join(HERE, "asr_vocab.txt")
    with open(path, "w") as f:
        f.write("\n".join(PIECES) + "\n")
    return path


tokenizer = BertTokenizer(write_vocab(), do_lower_case=True)
BLANK = tokenizer.pad_token_id
SOS = tokenizer.cls_token_id
EOS = tokenizer.sep_token_id
ODIM = tokenizer.vocab_size


def frame_signal(wav):
    frames = wav.unfold(0, WIN, SHIFT) * torch.hamming_window(WIN)
    power = torch.fft.rfft(frames, n=512).abs().pow(2)
    edges = torch.linspace(0, power.size(-1), NUM_BINS + 1).long()
    bands = torch.stack([power[:, a:b].mean(-1) for a, b in zip(edges[:-1], edges[1:])], -1)
    feats = torch.log1p(bands)
    return (feats - feats.mean(0)) / (feats.std(0) + 1e-5)


def make_utterances(n):
    prompts = ["turn on the light", "play music now", "set alarm for seven",
               "call mom", "turn off the kitchen light", "stop playing"]
    out = []
    for _ in range(n):
        text = prompts[rng.integers(len(prompts))]
        samples = int(SR * rng.uniform(0.8, 1.6))
        wav = torch.from_numpy(rng.normal(0, 0.05, samples).astype(np.float32))
        out.append({"audio": wav, "text": text})
    return out


def collate(items):
    feats = [frame_signal(it["audio"]) for it in items]
    toks = [torch.tensor(tokenizer.encode(it["text"], add_special_tokens=False)) for it in items]
    return {
        "x": nn.utils.rnn.pad_sequence(feats, batch_first=True),
        "x_lens": torch.tensor([f.shape[0] for f in feats]),
        "ys": nn.utils.rnn.pad_sequence(toks, batch_first=True, padding_value=IGNORE_ID),
        "y_lens": torch.tensor([len(t) for t in toks]),
    }


class Subsample(nn.Module):
    def __init__(self, idim, odim):
        super().__init__()
        self.c1 = nn.Conv1d(idim, odim, 3, stride=2)
        self.c2 = nn.Conv1d(odim, odim, 3, stride=2)

    def forward(self, x, lens):
        x = F.gelu(self.c2(F.gelu(self.c1(x.transpose(1, 2))))).transpose(1, 2)
        for _ in range(2):
            lens = (lens - 3) // 2 + 1
        return x, lens


class BLSTMEncoder(nn.Module):
    def __init__(self, idim, hid=96):
        super().__init__()
        self.sub = Subsample(idim, hid)
        self.rnn = nn.LSTM(hid, hid, num_layers=2, batch_first=True, bidirectional=True)
        self.odim = 2 * hid

    def forward(self, x, lens):
        x, lens = self.sub(x, lens)
        packed = nn.utils.rnn.pack_padded_sequence(x, lens, batch_first=True, enforce_sorted=False)
        h, _ = self.rnn(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True)
        return h, lens


class AttnDecoder(nn.Module):
    def __init__(self, odim, enc_dim, dim=96):
        super().__init__()
        self.embed = nn.Embedding(odim, dim)
        self.cell = nn.LSTMCell(dim + enc_dim, dim)
        self.q = nn.Linear(dim, enc_dim)
        self.out = nn.Linear(dim + enc_dim, odim)

    def forward(self, enc, enc_lens, ys_in):
        B, T, _ = enc.shape
        emb = self.embed(ys_in)
        valid = torch.arange(T)[None] < enc_lens[:, None]
        h = enc.new_zeros(B, self.cell.hidden_size)
        c = torch.zeros_like(h)
        ctx = enc.new_zeros(B, enc.size(-1))
        logits = []
        for i in range(ys_in.size(1)):
            h, c = self.cell(torch.cat([emb[:, i], ctx], -1), (h, c))
            e = torch.einsum("btd,bd->bt", enc, self.q(h)).masked_fill(~valid, -1e4)
            ctx = torch.einsum("bt,btd->bd", e.softmax(-1), enc)
            logits.append(self.out(torch.cat([h, ctx], -1)))
        return torch.stack(logits, 1)


class JointCTCAttention(nn.Module):
    def __init__(self, idim, odim, ctc_weight=0.3):
        super().__init__()
        self.encoder = BLSTMEncoder(idim)
        self.ctc_head = nn.Linear(self.encoder.odim, odim)
        self.decoder = AttnDecoder(odim, self.encoder.odim)
        self.ctc_weight = ctc_weight

    def forward(self, batch):
        enc, enc_lens = self.encoder(batch["x"], batch["x_lens"])
        lp = self.ctc_head(enc).log_softmax(-1).transpose(0, 1)
        ys = batch["ys"]
        loss_ctc = F.ctc_loss(lp, ys.clamp(min=0), enc_lens, batch["y_lens"], blank=BLANK, zero_infinity=True)
        B = ys.size(0)
        ys_in = torch.cat([ys.new_full((B, 1), SOS), ys], 1)
        ys_out = torch.cat([ys, ys.new_full((B, 1), IGNORE_ID)], 1)
        ys_out[torch.arange(B), batch["y_lens"]] = EOS
        logits = self.decoder(enc, enc_lens, ys_in)
        loss_att = F.cross_entropy(logits.reshape(-1, logits.size(-1)), ys_out.reshape(-1), ignore_index=IGNORE_ID)
        return self.ctc_weight * loss_ctc + (1 - self.ctc_weight) * loss_att, lp


def ctc_greedy(lp, lens):
    best = lp.transpose(0, 1).argmax(-1)
    hyps = []
    for seq, n in zip(best, lens):
        ids = torch.unique_consecutive(seq[:n])
        hyps.append(tokenizer.decode([i for i in ids.tolist() if i != BLANK]))
    return hyps


def train():
    data = make_utterances(24)
    loader = DataLoader(data, batch_size=6, shuffle=True, collate_fn=collate)
    model = JointCTCAttention(NUM_BINS, ODIM)
    optim = torch.optim.Adam(model.parameters(), lr=5e-4)
    for epoch in range(2):
        total = 0.0
        for batch in loader:
            loss, _ = model(batch)
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch}: loss {total / len(loader):.3f}")
    model.eval()
    with torch.no_grad():
        batch = collate(data[:4])
        _, lp = model(batch)
        _, enc_lens = model.encoder(batch["x"], batch["x_lens"])
        for ref, hyp in zip(data[:4], ctc_greedy(lp, enc_lens)):
            print(f"REF: {ref['text']!r}  HYP: {hyp!r}")


if __name__ == "__main__":
    train()
