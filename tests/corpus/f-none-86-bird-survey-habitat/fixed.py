"""Guess the habitat of a bird-survey transect from the observer's free-text field notes."""
import torch
from torch import nn

torch.manual_seed(0)

HABITATS = ["wetland", "woodland", "grassland"]

SPRING_NOTES = [
    ("heron wading reeds coot calling", "wetland"),
    ("woodpecker drumming oak canopy", "woodland"),
    ("skylark singing over meadow", "grassland"),
    ("grebe diving reeds open water", "wetland"),
    ("nuthatch on oak trunk treecreeper", "woodland"),
    ("lapwing display meadow pipit", "grassland"),
]

AUTUMN_NOTES = [
    ("snipe flushed from marsh reeds", "wetland"),
    ("jay caching acorns beech canopy", "woodland"),
    ("kestrel hovering stubble field", "grassland"),
]


class WordIndex:
    def __init__(self, texts):
        self.words = {"<unk>": 0}
        self.grow(texts)

    def grow(self, texts):
        for text in texts:
            for w in text.split():
                if w not in self.words:
                    self.words[w] = len(self.words)

    def lookup(self, w):
        return self.words.get(w, 0)

    def __len__(self):
        return len(self.words)


class CountFeaturizer:
    def __init__(self, index):
        self.index = index
        self.size = len(index)

    def __call__(self, text):
        vec = torch.zeros(self.size)
        for w in text.split():
            vec[self.index.lookup(w)] += 1
        return vec


def main():
    index = WordIndex(t for t, _ in SPRING_NOTES)
    print(f"spring vocabulary: {len(index)} words")

    index.grow(t for t, _ in AUTUMN_NOTES)
    print(f"after autumn survey: {len(index)} words")
    featurize = CountFeaturizer(index)

    data = SPRING_NOTES + AUTUMN_NOTES
    X = torch.stack([featurize(t) for t, _ in data])
    y = torch.tensor([HABITATS.index(h) for _, h in data])

    model = nn.Linear(featurize.size, len(HABITATS))
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    for step in range(50):
        loss = nn.functional.cross_entropy(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 0:
            print(f"step {step} loss {loss.item():.3f}")

    probe = featurize("bittern booming in the reeds")
    print("probe habitat:", HABITATS[model(probe).argmax().item()])


if __name__ == "__main__":
    main()
