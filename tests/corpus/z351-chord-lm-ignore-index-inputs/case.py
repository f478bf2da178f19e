# Next-chord language model for jazz lead sheets (tiny GPT-2, random init).
import argparse
import random

import torch
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader, Dataset
from transformers import GPT2Config, GPT2LMHeadModel

ROOTS = ["C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"]
QUALITIES = ["maj7", "m7", "7", "m7b5", "dim7", "6", "9", "13"]
SPECIALS = ["<bos>", "<eos>", "<bar>"]
CHORD_VOCAB = SPECIALS + [r + q for r in ROOTS for q in QUALITIES]
CHORD_TO_ID = {c: i for i, c in enumerate(CHORD_VOCAB)}

parser = argparse.ArgumentParser()
parser.add_argument("--n-songs", type=int, default=64)
parser.add_argument("--batch-size", type=int, default=8)
parser.add_argument("--epochs", type=int, default=1)
parser.add_argument("--lr", type=float, default=5e-4)
parser.add_argument("--ignore-index", type=int, default=-100)
parser.add_argument("--seed", type=int, default=11)
args = parser.parse_args()

random.seed(args.seed)
torch.manual_seed(args.seed)


def two_five_one(key_idx):
    ii = ROOTS[(key_idx + 2) % 12] + "m7"
    v = ROOTS[(key_idx + 7) % 12] + "7"
    i = ROOTS[key_idx] + "maj7"
    return [ii, v, i]


def random_song():
    chords = ["<bos>"]
    for _ in range(random.randint(2, 7)):
        chords += two_five_one(random.randrange(12)) + ["<bar>"]
        if random.random() < 0.4:
            chords.append(random.choice(CHORD_VOCAB[3:]))
    chords.append("<eos>")
    return [CHORD_TO_ID[c] for c in chords]


class LeadSheets(Dataset):
    def __init__(self, n):
        self.songs = [torch.tensor(random_song(), dtype=torch.long) for _ in range(n)]

    def __len__(self):
        return len(self.songs)

    def __getitem__(self, idx):
        return self.songs[idx]


def collate_songs(songs):
    padded = pad_sequence(songs, batch_first=True, padding_value=args.ignore_index)
    attention_mask = (padded != args.ignore_index).long()
    return {"input_ids": padded, "attention_mask": attention_mask, "labels": padded.clone()}


config = GPT2Config(
    vocab_size=len(CHORD_VOCAB),
    n_positions=64,
    n_embd=32,
    n_layer=2,
    n_head=2,
    bos_token_id=CHORD_TO_ID["<bos>"],
    eos_token_id=CHORD_TO_ID["<eos>"],
)
model = GPT2LMHeadModel(config)
optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)
loader = DataLoader(LeadSheets(args.n_songs), batch_size=args.batch_size, shuffle=True, collate_fn=collate_songs)

model.train()
for epoch in range(args.epochs):
    running = 0.0
    for step, batch in enumerate(loader):
        outputs = model(**batch)
        outputs.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()
        running += outputs.loss.item()
    print(f"epoch {epoch}: mean loss {running / len(loader):.3f}")

model.eval()
with torch.no_grad():
    prompt = torch.tensor([[CHORD_TO_ID["<bos>"]] + [CHORD_TO_ID[c] for c in two_five_one(0)]])
    logits = model(input_ids=prompt).logits
    print("next chord after ii-V-I in C:", CHORD_VOCAB[logits[0, -1].argmax().item()])
