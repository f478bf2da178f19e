"""Ingredient-line tagger (quantity / unit / food / comment) with a BiGRU and a class-weighted, label-smoothed loss."""
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pad_sequence

torch.manual_seed(0)
TAGS = ["O", "QTY", "UNIT", "FOOD", "COMMENT"]
NUM_TAGS = len(TAGS)
IGNORE = -100
LINES = [
    ("2 cups flour sifted", "QTY UNIT FOOD COMMENT"),
    ("1 pinch of salt", "QTY UNIT O FOOD"),
    ("3 large eggs at room temperature", "QTY COMMENT FOOD O COMMENT COMMENT"),
    ("200 g butter softened", "QTY UNIT FOOD COMMENT"),
    ("a handful of fresh basil leaves roughly torn", "QTY UNIT O COMMENT FOOD FOOD COMMENT COMMENT"),
    ("olive oil", "FOOD FOOD"),
    ("1 tsp vanilla extract", "QTY UNIT FOOD FOOD"),
    ("4 ripe tomatoes chopped", "QTY COMMENT FOOD COMMENT"),
]
WORDS = {w: i + 1 for i, w in enumerate(sorted({w for line, _ in LINES for w in line.split()}))}


def weighted_smooth_ce(logits, target, class_weights, smoothing=0.1):
    """Rare tags (UNIT, COMMENT) weigh more; padding positions are skipped."""
    ce = F.cross_entropy(logits, target, reduction="none", label_smoothing=smoothing, ignore_index=IGNORE)
    keep = target.ne(IGNORE).float()
    w = class_weights[target.clamp(min=0)] * keep
    return (ce * w).sum() / w.sum()


class BiGRUTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, dim=32):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.rnn = nn.GRU(dim, dim, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * dim, n_tags)

    def forward(self, word_ids):
        states, _ = self.rnn(self.embed(word_ids))
        return self.proj(states)


class TaggerTrainer:
    def __init__(self, model, class_weights, lr=3e-3):
        self.model = model
        self.class_weights = class_weights
        self.optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    def training_step(self, word_ids, tag_ids):
        tag_scores = self.model(word_ids)
        loss = weighted_smooth_ce(tag_scores, tag_ids, self.class_weights)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def fit(self, batches, epochs=2):
        for epoch in range(epochs):
            losses = [self.training_step(x, y) for x, y in batches]
            print(f"epoch {epoch}: loss {sum(losses) / len(losses):.4f}")


def make_batches(lines, size=4):
    out = []
    for start in range(0, len(lines), size):
        chunk = lines[start:start + size]
        x = pad_sequence([torch.tensor([WORDS[w] for w in line.split()]) for line, _ in chunk], batch_first=True)
        y = pad_sequence([torch.tensor([TAGS.index(t) for t in tags.split()]) for _, tags in chunk],
                         batch_first=True, padding_value=IGNORE)
        out.append((x, y))
    return out


weights = torch.tensor([0.5, 1.0, 2.0, 1.0, 2.0])
trainer = TaggerTrainer(BiGRUTagger(len(WORDS) + 1, NUM_TAGS), weights)
trainer.fit(make_batches(LINES))
