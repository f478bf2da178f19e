import random
from collections import Counter
from itertools import chain, islice

import torch
import torch.nn.functional as F
from transformers import GPT2Config, GPT2LMHeadModel

random.seed(3)
torch.manual_seed(3)

TICKS_PER_BEAT = 4
MAX_SHIFT = 16
VELOCITY_LEVELS = [32, 48, 64, 80, 96, 112]


def build_vocab():
    events = ["PAD", "BOS", "EOS"]
    events += [f"ON_{p}" for p in range(21, 109)]
    events += [f"OFF_{p}" for p in range(21, 109)]
    events += [f"SHIFT_{t}" for t in range(1, MAX_SHIFT + 1)]
    events += [f"VEL_{v}" for v in VELOCITY_LEVELS]
    return {e: i for i, e in enumerate(events)}


EVENT2ID = build_vocab()
ID2EVENT = {i: e for e, i in EVENT2ID.items()}
SEQ_LEN = 128


def groove(bars, root):
    chord = [root, root + 4, root + 7, root + 12]
    piece = []
    for bar in range(bars):
        for beat in range(4):
            start = (bar * 4 + beat) * TICKS_PER_BEAT
            piece.append((chord[0] - 12, start, 3))
            if beat % 2:
                piece.extend((p, start, 2) for p in chord[1:3])
            piece.append((random.choice(chord) + 12, start + 2, 2))
    return piece


def to_events(piece, velocity=80):
    edges = sorted(chain(((s, 1, p) for p, s, d in piece),
                         ((s + d, 0, p) for p, s, d in piece)))
    events = ["BOS", f"VEL_{velocity}"]
    clock = 0
    for tick, is_on, pitch in edges:
        delta = tick - clock
        while delta > 0:
            step = min(delta, MAX_SHIFT)
            events.append(f"SHIFT_{step}")
            delta -= step
        clock = tick
        events.append(f"{'ON' if is_on else 'OFF'}_{pitch}")
    events.append("EOS")
    return [EVENT2ID[e] for e in events]


def chunked(ids, size):
    it = iter(ids)
    while chunk := list(islice(it, size)):
        if len(chunk) == size:
            yield chunk


def batches(chunks, bs):
    random.shuffle(chunks)
    for i in range(0, len(chunks) - bs + 1, bs):
        yield torch.tensor(chunks[i:i + bs])


@torch.no_grad()
def sample(model, prompt, n_events=160, temperature=1.1, top_k=20, context=256):
    model.eval()
    ids = torch.tensor([prompt])
    for _ in range(n_events):
        window = ids[:, -context:]
        logits = model(input_ids=window).logits[:, -1, :] / temperature
        kth = torch.topk(logits, top_k).values[:, -1, None]
        logits = logits.masked_fill(logits < kth, float("-inf"))
        nxt = torch.multinomial(F.softmax(logits, dim=-1), 1)
        ids = torch.cat([ids, nxt], dim=1)
        if nxt.item() == EVENT2ID["EOS"]:
            break
    return ids[0].tolist()


def main():
    roots = [48, 50, 53, 55, 57]
    songs = [to_events(groove(random.randint(4, 8), random.choice(roots)),
                       velocity=random.choice(VELOCITY_LEVELS)) for _ in range(60)]
    stream = list(chain.from_iterable(songs))
    chunks = list(chunked(stream, SEQ_LEN))
    print(f"{len(EVENT2ID)} event types, {len(stream)} events, {len(chunks)} chunks")

    config = GPT2Config(vocab_size=len(EVENT2ID), n_positions=SEQ_LEN, n_embd=64,
                        n_layer=2, n_head=4, bos_token_id=EVENT2ID["BOS"],
                        eos_token_id=EVENT2ID["EOS"], pad_token_id=EVENT2ID["PAD"])
    model = GPT2LMHeadModel(config)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)

    for epoch in range(2):
        model.train()
        losses = []
        for x in batches(chunks, 8):
            out = model(input_ids=x, labels=x)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            losses.append(out.loss.item())
        print(f"epoch {epoch}: loss {sum(losses) / len(losses):.3f}")

    prompt = songs[0][:48]
    generated = sample(model, prompt)
    kinds = Counter(ID2EVENT[i].split("_")[0] for i in generated)
    print(f"generated {len(generated)} events: {dict(kinds)}")


if __name__ == "__main__":
    main()
