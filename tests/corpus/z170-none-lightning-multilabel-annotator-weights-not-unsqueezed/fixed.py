"""Multi-label article tagger (bag of embeddings) whose loss is weighted by annotator agreement, in Lightning."""
import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset

TAGS = ["economy", "health", "climate", "tech", "sport"]
ARTICLES = [
    ("central bank raises rates as inflation cools", ["economy"], 1.0),
    ("heatwave strains hospitals across the south", ["health", "climate"], 0.67),
    ("startup builds ai model for early cancer screening", ["tech", "health"], 1.0),
    ("carbon tax revenue funds new rail lines", ["economy", "climate"], 0.67),
    ("club invests in wearable sensors for players", ["sport", "tech"], 0.33),
    ("marathon moved to spring because of heat", ["sport", "climate"], 1.0),
    ("chip shortage hits car makers profits", ["economy", "tech"], 0.67),
    ("new vaccine approved for winter flu", ["health"], 1.0),
]
VOCAB = {w: i + 1 for i, w in enumerate(sorted({w for text, _, _ in ARTICLES for w in text.split()}))}


class TaggedArticles(Dataset):
    def __len__(self):
        return len(ARTICLES)

    def __getitem__(self, i):
        text, tags, agreement = ARTICLES[i]
        ids = torch.tensor([VOCAB[w] for w in text.split()])
        target = torch.zeros(len(TAGS))
        target[[TAGS.index(t) for t in tags]] = 1.0
        return ids, target, torch.tensor(agreement)


def collate(items):
    ids, targets, weights = zip(*items)
    offsets = torch.tensor([0] + [len(x) for x in ids[:-1]]).cumsum(0)
    return torch.cat(ids), offsets, torch.stack(targets), torch.stack(weights)


class ArticleTagger(L.LightningModule):
    def __init__(self, vocab_size, dim=32):
        super().__init__()
        self.bag = nn.EmbeddingBag(vocab_size, dim, mode="mean")
        self.out = nn.Linear(dim, len(TAGS))

    def training_step(self, batch, batch_idx):
        ids, offsets, targets, agreement = batch
        logits = self.out(self.bag(ids, offsets))
        per_tag = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
        loss = (per_tag * agreement.unsqueeze(1)).mean()
        self.log("weighted_bce", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-2)


if __name__ == "__main__":
    L.seed_everything(1)
    loader = DataLoader(TaggedArticles(), batch_size=4, shuffle=True, collate_fn=collate)
    trainer = L.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False)
    trainer.fit(ArticleTagger(len(VOCAB) + 1), loader)
    print(trainer.callback_metrics)
