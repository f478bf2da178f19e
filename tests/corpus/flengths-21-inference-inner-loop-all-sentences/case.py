"""Score headlines with a small bag-of-characters regressor; results are collected per headline."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader

torch.manual_seed(0)
headlines = ["markets rally", "storm hits coast", "new phone launched", "team wins cup", "rates unchanged",
             "film breaks records", "strike ends"]


def featurize(batch_of_texts):
    x = torch.zeros(len(batch_of_texts), 26)
    for r, text in enumerate(batch_of_texts):
        for ch in text.replace(" ", ""):
            x[r, ord(ch) - ord("a")] += 1
    return x


scorer = nn.Sequential(nn.Linear(26, 8), nn.ReLU(), nn.Linear(8, 1))
loader = DataLoader(dataset=headlines, batch_size=3, collate_fn=featurize)
results = {}
with torch.no_grad():
    for step, feats in enumerate(loader):
        scores = scorer(feats).squeeze(-1)
        for k, headline in enumerate(headlines):
            results[headline] = round(scores[k].item(), 3)
print(results)
