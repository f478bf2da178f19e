"""Train a tiny GPT-2 on REMI-tokenised piano loops (bar / position / pitch / velocity / duration / tempo)."""
import random

import torch
from transformers import GPT2Config, GPT2LMHeadModel

random.seed(7)
torch.manual_seed(7)

STEPS_PER_BAR = 16
PITCH_RANGE = range(21, 109)          # full piano
VELOCITY_BINS = [16, 32, 48, 64, 80, 96, 112, 127]
DURATION_STEPS = [1, 2, 3, 4, 6, 8, 12, 16]
SPECIALS = ["<pad>", "<bos>", "<eos>"]


def build_base_vocab():
    events = list(SPECIALS) + ["Bar"]
    events += [f"Position_{p}" for p in range(STEPS_PER_BAR)]
    events += [f"Pitch_{p}" for p in PITCH_RANGE]
    events += [f"Velocity_{v}" for v in VELOCITY_BINS]
    events += [f"Duration_{d}" for d in DURATION_STEPS]
    return {ev: i for i, ev in enumerate(events)}


def make_loop(n_bars):
    """A fake MIDI loop: (bar, position, pitch, velocity, duration) notes plus a tempo per bar."""
    base_tempo = random.choice([72, 90, 104, 120, 138, 160])
    bars = []
    for b in range(n_bars):
        tempo = base_tempo + random.choice([-8, 0, 0, 6])
        notes = []
        for pos in sorted(random.sample(range(STEPS_PER_BAR), k=random.randint(3, 7))):
            notes.append((pos, random.randint(40, 84), random.randint(30, 120), random.choice(DURATION_STEPS)))
        bars.append((tempo, notes))
    return bars


def quantize_tempo(bpm, step=8):
    return int(round(bpm / step) * step)


def extend_with_tempos(vocab, loops):
    """Tempo tokens are data dependent, so they are appended after scanning the corpus."""
    out = dict(vocab)
    tempos = sorted({quantize_tempo(t) for loop in loops for t, _ in loop})
    for bpm in tempos:
        out.setdefault(f"Tempo_{bpm}", len(out))
    return out


def nearest(value, choices):
    return min(choices, key=lambda c: abs(c - value))


def remi_encode(loop, vocab):
    ids = [vocab["<bos>"]]
    for tempo, notes in loop:
        ids.append(vocab["Bar"])
        ids.append(vocab[f"Tempo_{quantize_tempo(tempo)}"])
        for pos, pitch, vel, dur in notes:
            ids.append(vocab[f"Position_{pos}"])
            ids.append(vocab[f"Pitch_{pitch}"])
            ids.append(vocab[f"Velocity_{nearest(vel, VELOCITY_BINS)}"])
            ids.append(vocab[f"Duration_{dur}"])
    ids.append(vocab["<eos>"])
    return ids


def collate(seqs, pad_id, max_len):
    seqs = [s[:max_len] for s in seqs]
    width = max(len(s) for s in seqs)
    tokens = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    attn = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        tokens[i, : len(s)] = torch.tensor(s)
        attn[i, : len(s)] = 1
    targets = tokens.masked_fill(attn == 0, -100)
    return tokens, attn, targets


def make_model(n_tokens, context):
    cfg = GPT2Config(
        vocab_size=n_tokens,
        n_positions=context,
        n_embd=64,
        n_layer=2,
        n_head=4,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=0,
    )
    return GPT2LMHeadModel(cfg)


def main():
    context = 256
    base_vocab = build_base_vocab()
    print(f"base REMI vocabulary: {len(base_vocab)} events")

    loops = [make_loop(n_bars=random.randint(2, 4)) for _ in range(24)]
    remi_vocab = extend_with_tempos(base_vocab, loops)
    model = make_model(len(remi_vocab), context)
    print(f"with tempo events: {len(remi_vocab)} events")

    corpus = [remi_encode(loop, remi_vocab) for loop in loops]
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)
    model.train()
    batch_size = 6
    for epoch in range(2):
        random.shuffle(corpus)
        total = 0.0
        for start in range(0, len(corpus), batch_size):
            tokens, attn, targets = collate(corpus[start : start + batch_size], remi_vocab["<pad>"], context)
            out = model(input_ids=tokens, attention_mask=attn, labels=targets)
            optim.zero_grad()
            out.loss.backward()
            optim.step()
            total += out.loss.item()
        print(f"epoch {epoch}: loss {total / (len(corpus) // batch_size):.3f}")

    model.eval()
    with torch.no_grad():
        prompt = torch.tensor([[remi_vocab["<bos>"], remi_vocab["Bar"]]])
        sample = model.generate(prompt, max_new_tokens=24, do_sample=True, top_k=20, pad_token_id=0)
    inv = {i: ev for ev, i in remi_vocab.items()}
    print(" ".join(inv.get(i, "?") for i in sample[0].tolist()))


if __name__ == "__main__":
    main()
