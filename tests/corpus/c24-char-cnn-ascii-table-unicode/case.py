"""Character-level CNN that flags product titles as counterfeit-listing spam.

Characters are mapped with ord(); the embedding table covers ASCII.
"""
import torch
import torch.nn as nn

torch.manual_seed(0)
NUM_CHARS = 128
TITLE_LEN = 40


class CharCNN(nn.Module):
    def __init__(self, num_chars=NUM_CHARS, dim=16):
        super().__init__()
        self.char_emb = nn.Embedding(num_chars, dim, padding_idx=0)
        self.conv = nn.Conv1d(dim, 32, kernel_size=5, padding=2)
        self.cls = nn.Linear(32, 2)

    def forward(self, char_ids):
        x = self.char_emb(char_ids).transpose(1, 2)
        x = torch.relu(self.conv(x)).amax(dim=2)
        return self.cls(x)


def titles_to_tensor(titles):
    out = torch.zeros(len(titles), TITLE_LEN, dtype=torch.long)
    for row, title in enumerate(titles):
        codes = [ord(ch) for ch in title[:TITLE_LEN]]
        out[row, : len(codes)] = torch.tensor(codes)
    return out


titles = [
    "Genuine leather wallet, brown",
    "Rolex Submariner replica 100% real",
    "Café au lait mug – set of 2",
]
model = CharCNN().eval()
with torch.no_grad():
    spam_prob = model(titles_to_tensor(titles)).softmax(-1)[:, 1]
print("spam probabilities:", [round(p, 3) for p in spam_prob.tolist()])
