"""Pooling by multi-head attention (a learned query attends over the tokens), Set-Transformer style."""
import torch
import torch.nn as nn

torch.manual_seed(0)


class AttentionPool(nn.Module):
    def __init__(self, dim, heads=4):
        super().__init__()
        self.query = nn.Parameter(torch.randn(1, 1, dim))
        self.mha = nn.MultiheadAttention(dim, heads, batch_first=True)

    def forward(self, tokens, attention_mask):
        q = self.query.expand(tokens.size(0), -1, -1)
        pad = 1 - attention_mask  # 1 where the position is padding
        pooled, _ = self.mha(q, tokens, tokens, key_padding_mask=pad)
        return pooled.squeeze(1)


class DocClassifier(nn.Module):
    def __init__(self, vocab=100, dim=32, classes=4):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim, padding_idx=0)
        self.pool = AttentionPool(dim)
        self.fc = nn.Linear(dim, classes)

    def forward(self, input_ids, attention_mask):
        return self.fc(self.pool(self.emb(input_ids), attention_mask))


lengths = torch.tensor([7, 3, 5])
attention_mask = (torch.arange(7)[None, :] < lengths[:, None]).long()
input_ids = torch.randint(1, 100, (3, 7)) * attention_mask
model = DocClassifier()
loss = nn.functional.cross_entropy(model(input_ids, attention_mask), torch.tensor([0, 2, 3]))
loss.backward()
print(loss.item())
