import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB = 300
FIELD_TAGS = ["O", "VENDOR", "DATE", "AMOUNT", "TAX_ID"]
DOC_KINDS = ["invoice", "receipt", "credit_note"]
SEQ_LEN = 40


def synth_documents(n_docs, seed=0):
    g = torch.Generator().manual_seed(seed)
    tokens = torch.randint(1, VOCAB, (n_docs, SEQ_LEN), generator=g)
    tags = torch.bucketize(tokens, torch.tensor([200, 230, 260, 280]))
    kinds = (tokens[:, 0] % len(DOC_KINDS)).long()
    return tokens, tags, kinds


class LineItemReader(nn.Module):
    def __init__(self, vocab, d_model, n_tags, n_kinds):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.pos = nn.Parameter(torch.zeros(1, SEQ_LEN, d_model))
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=128, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2)
        self.kind_head = nn.Linear(d_model, n_kinds)
        self.field_head = nn.Linear(d_model, n_tags)

    def forward(self, tokens):
        states = self.encoder(self.embed(tokens) + self.pos)
        pooled = states.mean(dim=1)
        return self.field_head(states), self.kind_head(pooled)


def main():
    torch.manual_seed(0)
    tokens, tags, kinds = synth_documents(64)
    model = LineItemReader(VOCAB, 64, len(FIELD_TAGS), len(DOC_KINDS))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(1):
        perm = torch.randperm(len(tokens))
        for i in range(0, len(tokens), 32):
            idx = perm[i:i + 32]
            field_logits, kind_logits = model(tokens[idx])
            field_loss = F.cross_entropy(
                field_logits.view(-1, len(FIELD_TAGS)), tags[idx].view(-1)
            )
            kind_loss = F.cross_entropy(kind_logits, kinds[idx])
            loss = field_loss + 0.5 * kind_loss
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} field {field_loss.item():.3f} kind {kind_loss.item():.3f}")


if __name__ == "__main__":
    main()
