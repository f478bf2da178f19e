import random
from itertools import accumulate, chain

import torch
from transformers import GPT2Config, GPT2LMHeadModel

random.seed(1234)
torch.manual_seed(1234)


class EventVocab:
    """note-on / note-off / time-shift / velocity vocabulary, REMI-ish but simpler."""

    def __init__(self, n_pitches=128, max_shift=24, n_vel_bins=8):
        self.n_pitches = n_pitches
        self.max_shift = max_shift
        self.n_vel_bins = n_vel_bins
        self.vel_step = 128 // n_vel_bins
        self.specials = ["PAD", "BOS", "EOS"]
        self.ON = len(self.specials)
        self.OFF = self.ON + n_pitches
        self.SHIFT = self.OFF + n_pitches
        self.VEL = self.SHIFT + max_shift
        self.size = self.VEL + n_vel_bins

    @property
    def pad(self):
        return 0

    @property
    def bos(self):
        return 1

    @property
    def eos(self):
        return 2

    def velocity_bin(self, velocity):
        return min(velocity // self.vel_step, self.n_vel_bins - 1)

    def encode(self, notes):
        """notes: list of (pitch, start, duration, velocity) in 16th-note ticks."""
        marks = sorted(chain(
            ((s, 1, p, v) for p, s, d, v in notes),
            ((s + d, 0, p, v) for p, s, d, v in notes),
        ))
        ids = [self.bos]
        clock = 0
        for t, on, pitch, vel in marks:
            while t > clock:
                step = min(t - clock, self.max_shift)
                ids.append(self.SHIFT + step - 1)
                clock += step
            if on:
                ids.append(self.VEL + self.velocity_bin(vel))
                ids.append(self.ON + pitch)
            else:
                ids.append(self.OFF + pitch)
        ids.append(self.eos)
        return ids

    def describe(self, i):
        if i < self.ON:
            return self.specials[i]
        if i < self.OFF:
            return f"on({i - self.ON})"
        if i < self.SHIFT:
            return f"off({i - self.OFF})"
        if i < self.VEL:
            return f"dt({i - self.SHIFT + 1})"
        return f"vel({i - self.VEL})"


def make_phrase(n_notes):
    pentatonic = [0, 2, 4, 7, 9]
    durations = [random.choice([1, 2, 2, 3, 4]) for _ in range(n_notes)]
    starts = [0] + list(accumulate(durations))[:-1]
    tonic = random.choice([57, 60, 62, 64])
    accent = random.randint(70, 120)
    return [
        (tonic + random.choice(pentatonic), s, d, accent if k % 4 == 0 else accent - 25)
        for k, (s, d) in enumerate(zip(starts, durations))
    ]


def make_collate(pad_id):
    def collate(seqs):
        width = max(len(s) for s in seqs)
        ids = torch.full((len(seqs), width), pad_id)
        labels = torch.full((len(seqs), width), -100)
        mask = torch.zeros((len(seqs), width), dtype=torch.long)
        for row, s in enumerate(seqs):
            t = torch.tensor(s)
            ids[row, : len(s)] = t
            labels[row, : len(s)] = t
            mask[row, : len(s)] = 1
        return {"input_ids": ids, "attention_mask": mask, "labels": labels}
    return collate


@torch.no_grad()
def continue_phrase(model, vocab, prompt, max_new=32, temperature=1.1, top_k=12):
    model.eval()
    ids = torch.tensor([prompt])
    for _ in range(max_new):
        logits = model(input_ids=ids).logits[:, -1, :] / temperature
        kth = torch.topk(logits, top_k).values[:, -1, None]
        logits = logits.masked_fill(logits < kth, float("-inf"))
        nxt = torch.multinomial(torch.softmax(logits, -1), 1)
        ids = torch.cat([ids, nxt], dim=1)
        if nxt.item() == vocab.eos:
            break
    return [vocab.describe(i) for i in ids[0].tolist()]


def main():
    vocab = EventVocab()
    corpus = [vocab.encode(make_phrase(random.randint(6, 16))) for _ in range(48)]
    print(f"vocab size {vocab.size}, {len(corpus)} phrases, longest {max(map(len, corpus))} events")

    config = GPT2Config(
        vocab_size=vocab.size,
        n_positions=128,
        n_embd=64,
        n_layer=2,
        n_head=4,
        bos_token_id=vocab.bos,
        eos_token_id=vocab.eos,
        pad_token_id=vocab.pad,
    )
    model = GPT2LMHeadModel(config)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-4)
    collate = make_collate(vocab.pad)

    batch_size = 8
    for epoch in range(2):
        random.shuffle(corpus)
        model.train()
        losses = []
        for i in range(0, len(corpus), batch_size):
            batch = collate(corpus[i : i + batch_size])
            out = model(**batch)
            out.loss.backward()
            opt.step()
            opt.zero_grad()
            losses.append(out.loss.item())
        print(f"epoch {epoch} mean loss {sum(losses) / len(losses):.3f}")

    prompt = vocab.encode(make_phrase(4))[:-1]
    print(" ".join(continue_phrase(model, vocab, prompt)))


if __name__ == "__main__":
    main()
