"""Caption decoder: a transformer decoder attends over image-region features while generating caption tokens."""
import torch
import torch.nn as nn

torch.manual_seed(0)
VOCAB, D, PAD = 80, 32, 0


def pad_tokens(captions):
    longest = max(len(c) for c in captions)
    ids = torch.full((len(captions), longest), PAD, dtype=torch.long)
    for row, cap in enumerate(captions):
        ids[row, : len(cap)] = torch.tensor(cap)
    return ids, (ids == PAD).long()


def pad_regions(region_lists):
    most = max(r.size(0) for r in region_lists)
    feats = torch.zeros(len(region_lists), most, D)
    empty = torch.ones(len(region_lists), most, dtype=torch.long)
    for row, r in enumerate(region_lists):
        feats[row, : r.size(0)] = r
        empty[row, : r.size(0)] = 0
    return feats, empty


class Captioner(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, D, padding_idx=PAD)
        layer = nn.TransformerDecoderLayer(D, 4, 64, batch_first=True)
        self.dec = nn.TransformerDecoder(layer, 2)
        self.out = nn.Linear(D, VOCAB)

    def forward(self, tokens, tok_pad, regions, region_pad):
        n = tokens.size(1)
        causal = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)
        h = self.dec(self.tok(tokens), regions, tgt_mask=causal,
                     tgt_key_padding_mask=tok_pad.bool(), memory_key_padding_mask=region_pad.bool())
        return self.out(h)


captions = [[5, 9, 12, 3], [7, 2], [4, 4, 8, 19, 22, 3], [6, 1, 3]]
regions = [torch.randn(k, D) for k in (5, 3, 7, 4)]
tokens, tok_pad = pad_tokens(captions)
feats, region_pad = pad_regions(regions)
model = Captioner()
logits = model(tokens[:, :-1], tok_pad[:, :-1], feats, region_pad)
loss = nn.functional.cross_entropy(logits.reshape(-1, VOCAB), tokens[:, 1:].reshape(-1), ignore_index=PAD)
print("loss", round(loss.item(), 3))
