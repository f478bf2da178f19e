"""Which sentence encoder for FAQ routing? A zoo of small encoders, each trained for a few epochs on the same
batches; the script prints one accuracy per encoder.

Batches follow the Hugging Face convention: input_ids plus attention_mask (1 = real token, 0 = padding).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)

FAQ = [
    ("how do i reset my password", 0), ("forgot my password", 0), ("password reset link expired", 0),
    ("where is my order", 1), ("my parcel has not arrived", 1), ("track my order please", 1),
    ("can i get a refund", 2), ("i want my money back", 2), ("refund for a damaged item", 2),
]
PAD = 0
itos = ["<pad>"] + sorted({w for q, _ in FAQ for w in q.split()})
stoi = {w: i for i, w in enumerate(itos)}


def collate(rows):
    width = max(len(q.split()) for q, _ in rows)
    input_ids = torch.full((len(rows), width), PAD)
    for r, (q, _) in enumerate(rows):
        input_ids[r, :len(q.split())] = torch.tensor([stoi[w] for w in q.split()])
    return {"input_ids": input_ids, "attention_mask": (input_ids != PAD).long(),
            "labels": torch.tensor([y for _, y in rows])}


class BagOfEmbeddings(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim, padding_idx=PAD)

    def forward(self, input_ids, attention_mask):
        m = attention_mask.unsqueeze(-1).float()
        return (self.emb(input_ids) * m).sum(1) / m.sum(1).clamp(min=1)


class ConvEncoder(nn.Module):
    def __init__(self, vocab, dim):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.conv = nn.Conv1d(dim, dim, kernel_size=3, padding=1)

    def forward(self, input_ids, attention_mask):
        h = F.relu(self.conv(self.emb(input_ids).transpose(1, 2))).transpose(1, 2)
        return h.masked_fill(attention_mask.unsqueeze(-1) == 0, -1e4).max(1).values


class SelfAttentionEncoder(nn.Module):
    def __init__(self, vocab, dim, heads=4):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.pos = nn.Embedding(32, dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.heads = heads

    def forward(self, input_ids, attention_mask):
        b, t = input_ids.shape
        x = self.emb(input_ids) + self.pos(torch.arange(t))
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
        h = F.scaled_dot_product_attention(q, k, v, attn_mask=attention_mask[:, None, None, :].bool())
        return h.transpose(1, 2).reshape(b, t, -1)[:, 0]


ZOO = {"bag": BagOfEmbeddings, "cnn": ConvEncoder, "self-attention": SelfAttentionEncoder}


def evaluate(name, encoder_cls, epochs=15, dim=32):
    encoder = encoder_cls(len(itos), dim)
    head = nn.Linear(dim, 3)
    params = list(encoder.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-2)
    batch = collate(FAQ)
    for _ in range(epochs):
        logits = head(encoder(batch["input_ids"], batch["attention_mask"]))
        loss = F.cross_entropy(logits, batch["labels"])
        opt.zero_grad()
        loss.backward()
        opt.step()
    acc = (logits.argmax(-1) == batch["labels"]).float().mean().item()
    print(f"{name:>15}: train accuracy {acc:.2f}")


for name, encoder_cls in ZOO.items():
    evaluate(name, encoder_cls)
