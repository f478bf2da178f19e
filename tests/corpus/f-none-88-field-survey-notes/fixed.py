import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

torch.manual_seed(3)

CROPS = ["maize", "sorghum", "cassava"]
REGIONS = ["north_rift", "lake_basin", "coast", "central_highlands",
           "eastern_drylands", "western_plateau", "south_valley"]

# (survey note, region index, crop index)
SURVEY = [
    ("stunted stalks after late rains, fall armyworm on leaves", 4, 0),
    ("tall stands with red heads, bird damage near the river", 5, 1),
    ("tubers rotting in waterlogged plots", 6, 2),
    ("tasseling early, good cob fill on terraces", 3, 0),
    ("drought tolerant heads, aphids on lower leaves", 4, 1),
    ("mosaic spots on cuttings from the nursery", 2, 2),
    ("lodging after strong winds, ears on the ground", 0, 0),
    ("grain mould after harvest rains", 1, 1),
    ("brown streak on roots, farmers uprooting early", 5, 2),
    ("striga weed heavy in maize rows", 6, 0),
]


def build_vocab(notes):
    vocab = {"<pad>": 0, "<unk>": 1}
    for note in notes:
        for word in note.replace(",", "").split():
            vocab.setdefault(word, len(vocab))
    return vocab


class SurveyNotes(Dataset):
    def __init__(self, rows, vocab):
        self.rows = rows
        self.vocab = vocab

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, idx):
        note, region, crop = self.rows[idx]
        ids = [self.vocab.get(w, 1) for w in note.replace(",", "").split()]
        return torch.tensor(ids), region, crop


def collate_notes(items):
    longest = max(len(ids) for ids, _, _ in items)
    tokens = torch.zeros(len(items), longest, dtype=torch.long)
    for i, (ids, _, _) in enumerate(items):
        tokens[i, :len(ids)] = ids
    region_ids = torch.tensor([r for _, r, _ in items])
    crop_ids = torch.tensor([c for _, _, c in items])
    return tokens, region_ids, crop_ids


class SurveyTagger(nn.Module):
    def __init__(self, vocab_size, dim=24):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.body = nn.Sequential(nn.Linear(dim, dim), nn.ReLU())
        self.crop_head = nn.Linear(dim, len(CROPS))
        self.region_head = nn.Linear(dim, len(REGIONS))

    def forward(self, tokens):
        mask = (tokens != 0).unsqueeze(-1).float()
        pooled = (self.embed(tokens) * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        h = self.body(pooled)
        return self.crop_head(h), self.region_head(h)


def train():
    vocab = build_vocab(note for note, _, _ in SURVEY)
    loader = DataLoader(SurveyNotes(SURVEY, vocab), batch_size=4,
                        shuffle=False, collate_fn=collate_notes)
    model = SurveyTagger(len(vocab))
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    loss_fn = nn.CrossEntropyLoss()
    print(f"vocab size {len(vocab)}, {len(SURVEY)} survey notes")

    for epoch in range(4):
        running = 0.0
        for tokens, region_ids, crop_ids in loader:
            crop_logits, region_logits = model(tokens)
            crop_loss = loss_fn(crop_logits, crop_ids)
            region_loss = loss_fn(region_logits, region_ids)
            loss = crop_loss + 0.5 * region_loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running += loss.item()
        print(f"epoch {epoch}: loss {running / len(loader):.4f}")


if __name__ == "__main__":
    train()
