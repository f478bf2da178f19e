# Lab 6: classify short melodies (folk vs. blues) with a small transformer encoder
# notes are MIDI pitch numbers, adapted from the course "sequence classification" notebook
import math
import torch
import torch.nn as nn

torch.manual_seed(42)

# ---- toy melodies (MIDI pitches) ----
folk_tunes = [
    [60, 62, 64, 65, 67, 65, 64, 62],
    [67, 69, 71, 72, 71, 69, 67],
    [60, 64, 67, 64, 60],
    [62, 64, 66, 67, 69, 67, 66, 64, 62],
    [65, 67, 69, 70, 69, 67, 65],
    [64, 65, 67, 69, 67, 65, 64, 62, 60, 62],
]
blues_tunes = [
    [60, 63, 65, 66, 67, 70, 72],
    [48, 51, 53, 54, 55, 58],
    [67, 70, 72, 73, 74, 77, 79, 77],
    [60, 63, 60, 66, 65, 63, 60],
    [55, 58, 60, 61, 62, 65, 67, 65, 62],
    [53, 56, 58, 59, 60, 63],
]
melodies = folk_tunes + blues_tunes
genres = [0] * len(folk_tunes) + [1] * len(blues_tunes)
GENRE_NAMES = ["folk", "blues"]

# token ids: pitches 0..127, then special tokens
PAD_ID = 128
BOS_ID = 129
EOS_ID = 130
NUM_TOKENS = 131

D_MODEL = 32
N_HEADS = 4
BATCH_SIZE = 4
EPOCHS = 8


def encode_melody(notes):
    return [BOS_ID] + list(notes) + [EOS_ID]


def pad_batch(note_lists):
    encoded = [encode_melody(n) for n in note_lists]
    longest = max(len(e) for e in encoded)
    rows = [e + [PAD_ID] * (longest - len(e)) for e in encoded]
    return torch.tensor(rows, dtype=torch.long)


def padding_mask(note_lists):
    # True where the position is padding (what PyTorch wants for src_key_padding_mask)
    longest = max(len(n) for n in note_lists)
    mask = torch.ones(len(note_lists), longest, dtype=torch.bool)
    for i, n in enumerate(note_lists):
        mask[i, : len(n)] = False
    return mask


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=64):
        super().__init__()
        pe = torch.zeros(max_len, d_model)
        pos = torch.arange(0, max_len).unsqueeze(1).float()
        div = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        self.register_buffer("pe", pe.unsqueeze(0))

    def forward(self, x):
        return x + self.pe[:, : x.size(1)]


class MelodyClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.note_emb = nn.Embedding(NUM_TOKENS, D_MODEL, padding_idx=PAD_ID)
        self.pos = PositionalEncoding(D_MODEL)
        layer = nn.TransformerEncoderLayer(d_model=D_MODEL, nhead=N_HEADS,
                                           dim_feedforward=64, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.out = nn.Linear(D_MODEL, 2)

    def forward(self, tokens, pad_mask):
        h = self.pos(self.note_emb(tokens))
        h = self.encoder(h, src_key_padding_mask=pad_mask)
        # first position is BOS, use it like BERT's CLS
        return self.out(h[:, 0])


model = MelodyClassifier()
optim = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()

print("melodies:", len(melodies))
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(melodies)).tolist()
    epoch_loss = 0.0
    correct = 0
    for b in range(0, len(perm), BATCH_SIZE):
        idx = perm[b : b + BATCH_SIZE]
        batch_notes = [melodies[i] for i in idx]
        batch_y = torch.tensor([genres[i] for i in idx])

        tokens = pad_batch(batch_notes)
        pad_mask = padding_mask(batch_notes)

        logits = model(tokens, pad_mask)
        loss = criterion(logits, batch_y)
        optim.zero_grad()
        loss.backward()
        optim.step()

        epoch_loss += loss.item() * len(idx)
        correct += (logits.argmax(-1) == batch_y).sum().item()
    print(f"epoch {epoch}: loss={epoch_loss / len(melodies):.3f} acc={correct / len(melodies):.2f}")

# ---- test on two new tunes ----
model.eval()
test_tunes = [[60, 62, 64, 62, 60], [60, 63, 65, 66, 65, 63, 60]]
with torch.no_grad():
    pred = model(pad_batch(test_tunes), padding_mask(test_tunes)).argmax(-1)
for t, p in zip(test_tunes, pred.tolist()):
    print(t, "->", GENRE_NAMES[p])
