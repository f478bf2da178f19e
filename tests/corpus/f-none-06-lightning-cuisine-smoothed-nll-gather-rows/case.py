"""Guess the cuisine of a recipe from its ingredient list (bag of ingredients), trained with Lightning."""
import lightning as L
import torch
import torch.nn as nn
from torch.utils.data import DataLoader

CUISINES = ["italian", "mexican", "japanese", "indian", "french", "thai", "greek", "korean"]
RECIPES = [
    ("basil tomato mozzarella olive_oil", "italian"), ("lemongrass fish_sauce coconut_milk chili", "thai"),
    ("gochujang kimchi sesame_oil rice", "korean"), ("feta olive_oil oregano cucumber", "greek"),
    ("tortilla beans chili lime", "mexican"), ("butter shallot cream thyme", "french"),
    ("garam_masala ghee lentils cumin", "indian"), ("miso dashi tofu nori", "japanese"),
]


def label_smoothed_nll(logits, gold, eps=0.1):
    logp = logits.log_softmax(dim=-1)
    nll = -logp.gather(0, gold.unsqueeze(-1)).squeeze(-1)
    uniform = -logp.mean(dim=-1)
    return ((1.0 - eps) * nll + eps * uniform).mean()


class CuisineModel(L.LightningModule):
    def __init__(self, n_ingredients, n_cuisines, dim=16):
        super().__init__()
        self.bag = nn.EmbeddingBag(n_ingredients, dim, mode="mean")
        self.head = nn.Linear(dim, n_cuisines)

    def forward(self, ids, offsets):
        return self.head(torch.relu(self.bag(ids, offsets)))

    def training_step(self, batch, batch_idx):
        ids, offsets, gold = batch
        loss = label_smoothed_nll(self(ids, offsets), gold)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-2)


def make_collate(ingredient_ids):
    def collate(rows):
        bags = [torch.tensor([ingredient_ids[w] for w in text.split()]) for text, _ in rows]
        offsets = torch.tensor([0] + [len(b) for b in bags[:-1]]).cumsum(0)
        gold = torch.tensor([CUISINES.index(c) for _, c in rows])
        return torch.cat(bags), offsets, gold
    return collate


def main():
    L.seed_everything(7, verbose=False)
    ingredient_ids = {}
    for text, _ in RECIPES:
        for w in text.split():
            ingredient_ids.setdefault(w, len(ingredient_ids))
    loader = DataLoader(RECIPES, batch_size=4, collate_fn=make_collate(ingredient_ids))
    model = CuisineModel(len(ingredient_ids), len(CUISINES))
    trainer = L.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print(f"final loss {trainer.callback_metrics['train_loss']:.4f}")


if __name__ == "__main__":
    main()
