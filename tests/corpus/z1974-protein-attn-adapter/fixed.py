import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(3)
torch.manual_seed(3)

AMINO = list("acdefghiklmnpqrstvwy")


def make_proteins(n):
    rows = []
    for _ in range(n):
        length = random.randint(12, 24)
        residues = [random.choice(AMINO) for _ in range(length)]
        charged = sum(r in "dekr" for r in residues) / length
        rows.append((" ".join(residues), float(charged > 0.2)))
    return rows


class ResidueAttentionAdapter(nn.Module):
    def __init__(self, dim, n_heads, bottleneck):
        super().__init__()
        self.n_heads = n_heads
        self.down = nn.Linear(dim, bottleneck)
        self.qkv = nn.Linear(bottleneck, 3 * bottleneck)
        self.up = nn.Linear(bottleneck, dim)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, h):
        bsz, seq, _ = h.shape
        z = F.gelu(self.down(h))
        q, k, v = self.qkv(z).chunk(3, dim=-1)
        head_dim = q.size(-1) // self.n_heads
        q, k, v = (t.view(bsz, seq, self.n_heads, head_dim).transpose(1, 2) for t in (q, k, v))
        attn = (q @ k.transpose(-2, -1)) / head_dim ** 0.5
        ctx = attn.softmax(dim=-1) @ v
        ctx = ctx.transpose(1, 2).reshape(bsz, seq, self.n_heads * head_dim)
        return h + self.up(ctx)


class BlockWithAdapter(nn.Module):
    def __init__(self, block, adapter):
        super().__init__()
        self.block = block
        self.adapter = adapter

    def forward(self, hidden_states, *args, **kwargs):
        return self.adapter(self.block(hidden_states, *args, **kwargs))


class SolubilityProbe(nn.Module):
    def __init__(self, backbone, bottleneck=16, adapter_heads=4):
        super().__init__()
        self.backbone = backbone
        for p in backbone.parameters():
            p.requires_grad = False
        dim = backbone.config.hidden_size
        layers = backbone.encoder.layer
        for i in range(len(layers)):
            layers[i] = BlockWithAdapter(layers[i], ResidueAttentionAdapter(dim, adapter_heads, bottleneck))
        self.score = nn.Linear(dim, 1)

    def forward(self, residue_ids, residue_mask):
        states = self.backbone(input_ids=residue_ids, attention_mask=residue_mask).last_hidden_state
        keep = residue_mask.unsqueeze(-1).float()
        pooled = (states * keep).sum(1) / keep.sum(1)
        return self.score(pooled).squeeze(-1)


def main():
    tmp = tempfile.mkdtemp()
    vocab_path = os.path.join(tmp, "residues.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + AMINO) + "\n")
    tokenizer = BertTokenizer(vocab_path)

    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    probe = SolubilityProbe(BertModel(cfg))

    train_rows = make_proteins(24)
    trainable = [p for p in probe.parameters() if p.requires_grad]
    print("trainable params:", sum(p.numel() for p in trainable))
    opt = torch.optim.Adam(trainable, lr=2e-3)

    for epoch in range(4):
        random.shuffle(train_rows)
        running = 0.0
        for i in range(0, len(train_rows), 8):
            chunk = train_rows[i:i + 8]
            enc = tokenizer([seq for seq, _ in chunk], padding=True, return_tensors="pt")
            soluble = torch.tensor([y for _, y in chunk])
            logit = probe(enc["input_ids"], enc["attention_mask"])
            loss = F.binary_cross_entropy_with_logits(logit, soluble)
            opt.zero_grad()
            loss.backward()
            opt.step()
            running += loss.item()
        print(f"epoch {epoch} loss {running / 3:.4f}")

    test_rows = make_proteins(8)
    enc = tokenizer([seq for seq, _ in test_rows], padding=True, return_tensors="pt")
    with torch.no_grad():
        prob = torch.sigmoid(probe(enc["input_ids"], enc["attention_mask"]))
    for (seq, y), p in zip(test_rows, prob.tolist()):
        print(f"{seq.replace(' ', '')[:20]:<20} label={y:.0f} p={p:.3f}")


if __name__ == "__main__":
    main()
