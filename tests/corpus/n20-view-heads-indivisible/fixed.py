"""Self-attentive sentence encoder on top of 300-d GloVe-sized embeddings."""
import torch
import torch.nn as nn

torch.manual_seed(0)
EMBED_DIM = 300
NUM_HEADS = 6


class SelfAttentiveEncoder(nn.Module):
    def __init__(self, vocab_size=2000):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, EMBED_DIM, padding_idx=0)
        self.qkv = nn.Linear(EMBED_DIM, 3 * EMBED_DIM)
        self.classifier = nn.Linear(EMBED_DIM, 3)

    def split_heads(self, x):
        B, L, _ = x.shape
        return x.view(B, L, NUM_HEADS, -1).transpose(1, 2)

    def forward(self, ids):
        x = self.embed(ids)
        q, k, v = (self.split_heads(t) for t in self.qkv(x).chunk(3, dim=-1))
        attn = torch.softmax(q @ k.transpose(-2, -1) / q.size(-1) ** 0.5, dim=-1)
        context = (attn @ v).transpose(1, 2).reshape(x.shape)
        return self.classifier(context.mean(dim=1))


model = SelfAttentiveEncoder()
ids = torch.randint(1, 2000, (4, 20))
labels = torch.tensor([0, 1, 2, 1])
loss = nn.functional.cross_entropy(model(ids), labels)
loss.backward()
