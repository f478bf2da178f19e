import os
import tempfile
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

CATEGORIES = ["shoes", "lamps", "mugs", "backpacks"]
TITLES = {
    "shoes": ["leather running sneaker", "suede ankle boot", "canvas slip on shoe", "trail hiking boot"],
    "lamps": ["brass desk lamp", "led floor lamp", "ceramic table lamp", "clip on reading light"],
    "mugs": ["stoneware coffee mug", "enamel camping mug", "glass tea cup", "travel mug with lid"],
    "backpacks": ["waterproof hiking pack", "canvas laptop backpack", "leather daypack", "rolltop commuter bag"],
}


@dataclass
class Listing:
    title: str
    photo: torch.Tensor
    category: int


def make_listings():
    out = []
    for c, name in enumerate(CATEGORIES):
        for title in TITLES[name]:
            for _ in range(2):
                photo = torch.rand(3, 24, 24) * 0.3
                photo[c % 3] += 0.5
                out.append(Listing(title, photo, c))
    return out


class ListingSet(Dataset):
    def __init__(self, rows):
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


class PhotoEncoder(nn.Module):
    def __init__(self, out_dim=16):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, out_dim, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        )

    def forward(self, x):
        return self.conv(x).flatten(1)


class ListingClassifier(nn.Module):
    def __init__(self, vocab_size, n_classes, photo_dim=16):
        super().__init__()
        cfg = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=1,
                         num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
        self.text = BertModel(cfg)
        self.photo = PhotoEncoder(photo_dim)
        self.fuse = nn.Sequential(nn.Linear(cfg.hidden_size + photo_dim, 32), nn.ReLU(),
                                  nn.Linear(32, n_classes))

    def forward(self, tokens, attn, photos):
        title_vec = self.text(input_ids=tokens, attention_mask=attn).pooler_output
        photo_vec = self.photo(photos)
        joint = torch.cat([title_vec, photo_vec], dim=0)
        return self.fuse(joint)


def main():
    rows = make_listings()
    words = sorted({w for r in rows for w in r.title.split()})
    vocab_path = os.path.join(tempfile.mkdtemp(), "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_path)

    def collate(items):
        enc = tok([it.title for it in items], padding=True, return_tensors="pt")
        return (enc["input_ids"], enc["attention_mask"],
                torch.stack([it.photo for it in items]),
                torch.tensor([it.category for it in items]))

    loader = DataLoader(ListingSet(rows), batch_size=8, shuffle=True, collate_fn=collate)
    model = ListingClassifier(tok.vocab_size, len(CATEGORIES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    crit = nn.CrossEntropyLoss()

    for epoch in range(3):
        correct = 0
        for tokens, attn, photos, cats in loader:
            logits = model(tokens, attn, photos)
            loss = crit(logits, cats)
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += (logits.argmax(1) == cats).sum().item()
        print(f"epoch {epoch}: train acc {correct / len(rows):.2f}")


if __name__ == "__main__":
    main()
