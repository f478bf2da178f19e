import math
import random
from itertools import chain, islice

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader
from transformers import GPT2Config, GPT2Model

SEED = 1234
random.seed(SEED)
torch.manual_seed(SEED)

PITCH_LO, PITCH_HI = 36, 96
TIME_SHIFTS = [1, 2, 3, 4, 6, 8, 12, 16]   # in 16th notes
VEL_LEVELS = 8

specials = ["PAD", "BOS", "EOS"]
vocab = list(specials)
vocab += [f"ON:{p}" for p in range(PITCH_LO, PITCH_HI)]
vocab += [f"OFF:{p}" for p in range(PITCH_LO, PITCH_HI)]
vocab += [f"DT:{t}" for t in TIME_SHIFTS]
vocab += [f"VEL:{v}" for v in range(VEL_LEVELS)]
tok2id = {t: i for i, t in enumerate(vocab)}
id2tok = dict(enumerate(vocab))
PAD_ID, BOS_ID, EOS_ID = (tok2id[s] for s in specials)


def nearest_shift(dt):
    return min(TIME_SHIFTS, key=lambda s: abs(s - dt))


def melody(n=24, key=60):
    major = [0, 2, 4, 5, 7, 9, 11, 12]
    t = 0
    for _ in range(n):
        dur = random.choice([1, 2, 2, 4])
        yield (key + random.choice(major) + random.choice([-12, 0, 0, 12]), t, dur)
        t += dur


def encode(piece):
    """(pitch, start, duration) tuples -> flat event ids (monophonic)."""
    events = [BOS_ID]
    clock = 0
    for pitch, start, dur in piece:
        if start > clock:
            events.append(tok2id[f"DT:{nearest_shift(start - clock)}"])
        events.append(tok2id[f"VEL:{random.randrange(VEL_LEVELS)}"])
        events.append(tok2id[f"ON:{pitch}"])
        events.append(tok2id[f"DT:{nearest_shift(dur)}"])
        events.append(tok2id[f"OFF:{pitch}"])
        clock = start + dur
    events.append(EOS_ID)
    return events


class EventWindows(Dataset):
    def __init__(self, pieces, block=48):
        stream = list(chain.from_iterable(encode(p) for p in pieces))
        it = iter(stream)
        self.blocks = []
        while True:
            chunk = list(islice(it, block + 1))
            if len(chunk) < block + 1:
                break
            self.blocks.append(torch.tensor(chunk))

    def __len__(self):
        return len(self.blocks)

    def __getitem__(self, i):
        b = self.blocks[i]
        return {"input_ids": b[:-1], "targets": b[1:]}


class EventLM(nn.Module):
    def __init__(self, vocab_size, n_ctx=64):
        super().__init__()
        cfg = GPT2Config(vocab_size=vocab_size, n_positions=n_ctx, n_embd=48, n_layer=2, n_head=4,
                         bos_token_id=BOS_ID, eos_token_id=EOS_ID)
        self.body = GPT2Model(cfg)
        self.out = nn.Linear(cfg.n_embd, vocab_size, bias=False)
        self.out.weight = self.body.wte.weight

    def forward(self, input_ids):
        h = self.body(input_ids=input_ids).last_hidden_state
        return self.out(h)


def sequence_nll(logits, targets):
    return F.cross_entropy(logits.transpose(1, 2), targets, ignore_index=PAD_ID)


def train_epoch(model, loader, opt):
    model.train()
    losses = []
    for batch in loader:
        logits = model(batch["input_ids"])
        loss = sequence_nll(logits, batch["targets"])
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


@torch.no_grad()
def sample(model, n_events=40, temperature=1.0, top_k=20):
    model.eval()
    seq = [BOS_ID]
    for _ in range(n_events):
        ctx = torch.tensor([seq[-64:]])
        logits = model(ctx)[0, -1] / temperature
        kth = torch.topk(logits, top_k).values[-1]
        logits[logits < kth] = -math.inf
        nxt = torch.multinomial(F.softmax(logits, dim=-1), 1).item()
        if nxt == EOS_ID:
            break
        seq.append(nxt)
    return [id2tok[i] for i in seq[1:]]


def main():
    pieces = [list(melody(key=random.choice([55, 60, 62, 65]))) for _ in range(30)]
    ds = EventWindows(pieces)
    loader = DataLoader(ds, batch_size=8, shuffle=True)
    model = EventLM(len(vocab))
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
    for ep in range(2):
        print(f"epoch {ep} nll {train_epoch(model, loader, opt):.3f}")
    print(" ".join(sample(model, temperature=0.9)))


if __name__ == "__main__":
    main()
