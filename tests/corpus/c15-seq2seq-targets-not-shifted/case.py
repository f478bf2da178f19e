"""GRU encoder-decoder for headline generation, trained with teacher forcing."""
import torch
import torch.nn as nn

torch.manual_seed(0)
BOS, PAD = 1, 0


class HeadlineSeq2Seq(nn.Module):
    def __init__(self, vocab=120, dim=32):
        super().__init__()
        self.emb = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.encoder = nn.GRU(dim, dim, batch_first=True)
        self.decoder = nn.GRU(dim, dim, batch_first=True)
        self.proj = nn.Linear(dim, vocab)
        self.loss_fn = nn.CrossEntropyLoss(ignore_index=PAD)

    def forward(self, src, tgt):
        _, h = self.encoder(self.emb(src))
        dec_in = tgt[:, :-1]
        dec_out, _ = self.decoder(self.emb(dec_in), h)
        logits = self.proj(dec_out)
        return self.loss_fn(logits.reshape(-1, logits.size(-1)), tgt.reshape(-1))


articles = torch.randint(2, 120, (4, 25))
headlines = torch.cat([torch.full((4, 1), BOS), torch.randint(2, 120, (4, 9))], dim=1)
model = HeadlineSeq2Seq()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
for it in range(5):
    loss = model(articles, headlines)
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"final loss {loss.item():.3f}")
