"""License plate reader: CRNN + CTC, plate text encoded with a character-level BertTokenizer.

Plate crops are resized to 32x128; the tokenizer vocab is written from the training plates
so the same ids can later be shared with the post-processing service.
"""
import os
import random
import tempfile

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertTokenizer

torch.manual_seed(7)
random.seed(7)

PLATE_H, PLATE_W = 32, 128
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
DIGITS = "0123456789"


def random_plate():
    fmt = random.choice(["LLDDDLL", "LLDDLLL", "LDDDLL", "LLLDDDD"])
    return "".join(random.choice(LETTERS if f == "L" else DIGITS) for f in fmt)


train_plates = [random_plate() for _ in range(96)]
symbols = sorted(set("".join(train_plates)))

workdir = tempfile.mkdtemp(prefix="plates_")
vocab_path = os.path.join(workdir, "plate_vocab.txt")
with open(vocab_path, "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]"] + symbols) + "\n")
tokenizer = BertTokenizer(vocab_path, do_lower_case=False)
BLANK = tokenizer.pad_token_id

stamp = {s: torch.rand(PLATE_H - 8, 14) for s in symbols}


class PlateCrops(Dataset):
    def __init__(self, plates):
        self.plates = plates

    def __len__(self):
        return len(self.plates)

    def __getitem__(self, idx):
        plate = self.plates[idx]
        crop = 0.1 * torch.rand(1, PLATE_H, PLATE_W)
        x = 4
        for ch in plate:
            crop[0, 4:PLATE_H - 4, x:x + 14] += stamp[ch]
            x += 16
        return crop, plate


def collate_plates(samples):
    crops = torch.stack([c for c, _ in samples])
    spaced = [" ".join(plate) for _, plate in samples]
    enc = tokenizer(spaced, add_special_tokens=False, return_tensors="pt")
    label_ids = enc["input_ids"]
    label_lens = enc["attention_mask"].sum(dim=1)
    return crops, label_ids, label_lens


class PlateCRNN(nn.Module):
    def __init__(self, n_symbols):
        super().__init__()
        self.backbone = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d((2, 1)),
        )
        self.rnn = nn.GRU(64 * 4, 64, bidirectional=True, batch_first=True)
        self.classifier = nn.Linear(128, n_symbols)

    def forward(self, crops):
        fmap = self.backbone(crops)                           # B, 64, 4, 32
        cols = fmap.flatten(1, 2).transpose(1, 2)             # B, 32, 256
        out, _ = self.rnn(cols)
        return self.classifier(out).log_softmax(-1).transpose(0, 1)   # T, B, C


loader = DataLoader(PlateCrops(train_plates), batch_size=12, shuffle=True, collate_fn=collate_plates)
net = PlateCRNN(len(tokenizer.vocab))
ctc_loss = nn.CTCLoss(blank=BLANK, zero_infinity=True)
opt = torch.optim.Adam(net.parameters(), lr=1e-3)

for epoch in range(3):
    net.train()
    running = 0.0
    for crops, label_ids, label_lens in loader:
        log_probs = net(crops)
        frames = torch.full((crops.shape[0],), log_probs.shape[0], dtype=torch.long)
        loss = ctc_loss(log_probs, label_ids, frames, label_lens)
        opt.zero_grad()
        loss.backward()
        opt.step()
        running += loss.item()
    print(f"epoch {epoch}  ctc {running / len(loader):.3f}")

net.eval()
test_plates = [random_plate() for _ in range(4)]
with torch.no_grad():
    crops, _, _ = collate_plates([PlateCrops(test_plates)[i] for i in range(4)])
    best = net(crops).argmax(-1).T
for plate, path in zip(test_plates, best.tolist()):
    collapsed = [k for j, k in enumerate(path) if k != BLANK and (j == 0 or k != path[j - 1])]
    print(plate, "->", "".join(tokenizer.convert_ids_to_tokens(collapsed)))
