"""Tag mushroom foraging field notes: SPECIES / HABITAT / OTHER for every word.

A small GRU tagger, walked through as numbered steps that share one ctx dict.
"""
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(922)

FIELD_NOTES = [
    "chanterelles under beech near the stream",
    "two hen of the woods on old oak stump",
    "morels in burnt pine ground",
    "chicken of the woods on dead cherry trunk by the fence",
    "puffballs in pasture",
]
SPECIES_WORDS = {"chanterelles", "hen", "woods", "morels", "chicken", "puffballs"}
HABITAT_WORDS = {"beech", "stream", "oak", "stump", "pine", "ground", "cherry", "trunk", "pasture"}
TAGSET = ["OTHER", "SPECIES", "HABITAT"]
PAD_WORD, PAD_TAG = 0, -100


@dataclass
class Note:
    words: list
    word_ids: torch.Tensor
    tag_ids: torch.Tensor


def tag_of(word):
    if word in SPECIES_WORDS:
        return 1
    if word in HABITAT_WORDS:
        return 2
    return 0


def step_01_make_vocab(ctx):
    words = sorted({w for note in FIELD_NOTES for w in note.split()})
    ctx["w2i"] = {w: i + 1 for i, w in enumerate(words)}  # 0 reserved for padding
    return f"{len(words)} words + pad"


def step_02_encode(ctx):
    notes = []
    for line in FIELD_NOTES:
        toks = line.split()
        notes.append(Note(
            words=toks,
            word_ids=torch.tensor([ctx["w2i"][w] for w in toks]),
            tag_ids=torch.tensor([tag_of(w) for w in toks]),
        ))
    ctx["notes"] = notes
    return f"{len(notes)} notes, lengths {[len(n.words) for n in notes]}"


def step_03_batch(ctx):
    ctx["x"] = pad_sequence([n.word_ids for n in ctx["notes"]], batch_first=True, padding_value=PAD_WORD)
    ctx["y"] = pad_sequence([n.tag_ids for n in ctx["notes"]], batch_first=True, padding_value=PAD_TAG)
    return f"padded batch {tuple(ctx['x'].shape)}"


class GruTagger(nn.Module):
    def __init__(self, n_words, n_tags, emb=16, hid=24):
        super().__init__()
        self.emb = nn.Embedding(n_words, emb, padding_idx=PAD_WORD)
        self.rnn = nn.GRU(emb, hid, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hid, n_tags)

    def forward(self, x):
        h, _ = self.rnn(self.emb(x))
        return self.out(h)


def step_04_build_model(ctx):
    ctx["model"] = GruTagger(len(ctx["w2i"]) + 1, len(TAGSET))
    return "GRU tagger built"


def step_05_train(ctx, epochs=4):
    model = ctx["model"]
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_TAG)
    for ep in range(epochs):
        logits = model(ctx["x"])
        loss = loss_fn(logits.reshape(-1, len(TAGSET)), ctx["y"].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return f"loss after {epochs} epochs: {loss.item():.4f}"


def step_06_score_notes(ctx):
    ctx["model"].eval()
    with torch.no_grad():
        guesses = ctx["model"](ctx["x"]).argmax(-1)
    per_note = []
    for b, note in enumerate(ctx["notes"]):
        hits = 0
        for t in range(len(note.words)):
            hits += int(guesses[b, t] == note.tag_ids[t])
        per_note.append(hits / len(note.words))
        found = [w for w, g in zip(note.words, guesses[b].tolist()) if g == 1]
        print(f"    {per_note[-1]:.2f}  species={found}")
    ctx["per_note_acc"] = per_note
    return f"mean note accuracy {sum(per_note) / len(per_note):.2f}"


STEPS = [
    step_01_make_vocab,
    step_02_encode,
    step_03_batch,
    step_04_build_model,
    step_05_train,
    step_06_score_notes,
]


def run_steps(ctx, steps):
    for idx, fn in enumerate(steps, 1):
        print(f"== step {idx}: {fn.__name__} :: {fn(ctx)}")
    return ctx


if __name__ == "__main__":
    run_steps({}, STEPS)
