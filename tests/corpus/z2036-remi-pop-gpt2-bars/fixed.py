"""Train a tiny GPT-2 on REMI tokens from synthetic pop piano bars.

Each training example is a phrase of BARS_PER_PHRASE consecutive bars, so the model
always sees whole musical phrases and learns where bar lines fall.
"""
import random

import torch
from torch.utils.data import DataLoader, Dataset
from transformers import GPT2Config, GPT2LMHeadModel

random.seed(7)
torch.manual_seed(7)

POSITIONS_PER_BAR = 16
PITCH_RANGE = range(48, 85)
VELOCITY_BINS = 8
DURATION_STEPS = range(1, 9)
BARS_PER_PHRASE = 8
BLOCK_SIZE = 128


def build_remi_vocab():
    words = ["<pad>", "<bos>", "<eos>", "Bar"]
    words += [f"Position_{p}" for p in range(POSITIONS_PER_BAR)]
    words += [f"Pitch_{p}" for p in PITCH_RANGE]
    words += [f"Velocity_{v}" for v in range(VELOCITY_BINS)]
    words += [f"Duration_{d}" for d in DURATION_STEPS]
    return {w: i for i, w in enumerate(words)}


REMI = build_remi_vocab()
PAD_ID = REMI["<pad>"]


def random_pop_bar(chord_root):
    """One bar of a left-hand chord plus a few right-hand melody notes."""
    notes = []
    for pitch in (chord_root, chord_root + 4, chord_root + 7):
        notes.append((0, pitch, 4, 8))
    onsets = sorted(random.sample(range(POSITIONS_PER_BAR), k=random.randint(3, 6)))
    for pos in onsets:
        pitch = random.choice([chord_root + 12, chord_root + 16, chord_root + 19, chord_root + 24])
        notes.append((pos, min(pitch, PITCH_RANGE.stop - 1), random.randint(3, 7), random.choice([1, 2, 4])))
    return sorted(notes)


def bar_to_remi(notes):
    words = ["Bar"]
    last_pos = None
    for pos, pitch, vel, dur in notes:
        if pos != last_pos:
            words.append(f"Position_{pos}")
            last_pos = pos
        words += [f"Pitch_{pitch}", f"Velocity_{vel}", f"Duration_{dur}"]
    return [REMI[w] for w in words]


def make_song(n_bars):
    progression = [48, 55, 57, 53]  # I V vi IV in C
    return [random_pop_bar(progression[i % 4]) for i in range(n_bars)]


class PhraseDataset(Dataset):
    def __init__(self, songs):
        self.phrases = []
        for song in songs:
            for start in range(0, len(song) - BARS_PER_PHRASE + 1, BARS_PER_PHRASE // 2):
                tokens = [REMI["<bos>"]]
                for bar in song[start:start + BARS_PER_PHRASE]:
                    tokens += bar_to_remi(bar)
                tokens.append(REMI["<eos>"])
                self.phrases.append(torch.tensor(tokens[:BLOCK_SIZE]))

    def __len__(self):
        return len(self.phrases)

    def __getitem__(self, idx):
        return self.phrases[idx]


def collate_phrases(batch):
    longest = max(len(p) for p in batch)
    tokens = torch.full((len(batch), longest), PAD_ID, dtype=torch.long)
    attn = torch.zeros((len(batch), longest), dtype=torch.long)
    for row, phrase in enumerate(batch):
        tokens[row, :len(phrase)] = phrase
        attn[row, :len(phrase)] = 1
    targets = tokens.masked_fill(attn == 0, -100)
    return tokens, attn, targets


def main():
    songs = [make_song(16) for _ in range(12)]
    dataset = PhraseDataset(songs)
    loader = DataLoader(dataset, batch_size=8, shuffle=True, collate_fn=collate_phrases)
    print(f"{len(dataset)} phrases of {BARS_PER_PHRASE} bars")

    config = GPT2Config(
        vocab_size=len(REMI),
        n_positions=BLOCK_SIZE,
        n_embd=64,
        n_layer=2,
        n_head=4,
        bos_token_id=REMI["<bos>"],
        eos_token_id=REMI["<eos>"],
        pad_token_id=PAD_ID,
    )
    model = GPT2LMHeadModel(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)

    model.train()
    for epoch in range(2):
        running = 0.0
        for step, (tokens, attn, targets) in enumerate(loader):
            out = model(input_ids=tokens, attention_mask=attn, labels=targets)
            optimizer.zero_grad()
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            running += out.loss.item()
        print(f"epoch {epoch}: mean loss {running / (step + 1):.3f}")

    model.eval()
    prompt = torch.tensor([[REMI["<bos>"], REMI["Bar"], REMI["Position_0"]]])
    with torch.no_grad():
        sample = model.generate(prompt, max_new_tokens=40, do_sample=True, top_k=10,
                                pad_token_id=PAD_ID)
    id_to_word = {i: w for w, i in REMI.items()}
    print(" ".join(id_to_word[i] for i in sample[0].tolist()))


if __name__ == "__main__":
    main()
