import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)
random.seed(0)

AMINO = list("ACDEFGHIKLMNPQRSTVWY")
FAMILIES = ["kinase", "protease", "transporter"]
FEATURE_LAYERS = (-2, -1)


def write_vocab(folder):
    path = os.path.join(folder, "aa_vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + AMINO) + "\n")
    return path


def fake_proteins(n):
    seqs, fams = [], []
    for _ in range(n):
        fam = random.randrange(len(FAMILIES))
        motif = ["GKS", "HDS", "LLV"][fam]
        body = "".join(random.choice(AMINO) for _ in range(random.randint(14, 26)))
        cut = random.randint(0, len(body))
        seqs.append(" ".join(body[:cut] + motif + body[cut:]))
        fams.append(fam)
    return seqs, fams


class SwitchFFN(nn.Module):
    """Top-1 switch layer with a per-expert capacity, applied token by token."""

    def __init__(self, d_model, d_expert, n_experts, capacity_factor=1.5):
        super().__init__()
        self.n_experts = n_experts
        self.capacity_factor = capacity_factor
        self.router = nn.Linear(d_model, n_experts, bias=False)
        self.experts = nn.ModuleList(
            nn.Sequential(nn.Linear(d_model, d_expert), nn.GELU(), nn.Linear(d_expert, d_model))
            for _ in range(n_experts)
        )

    def forward(self, tokens):
        # tokens: (num_tokens, d_model)
        gate_probs = F.softmax(self.router(tokens), dim=-1)
        top_prob, top_expert = gate_probs.max(dim=-1)
        capacity = int(self.capacity_factor * tokens.size(0) / self.n_experts) + 1

        mixed = torch.zeros_like(tokens)
        for e, expert in enumerate(self.experts):
            chosen = (top_expert == e).nonzero(as_tuple=True)[0][:capacity]
            if chosen.numel() == 0:
                continue
            routed = tokens.index_select(0, chosen)
            out = expert(routed) * top_prob.index_select(0, chosen).unsqueeze(-1)
            mixed = mixed.index_add(0, chosen, out)

        frac_tokens = F.one_hot(top_expert, self.n_experts).float().mean(0)
        frac_probs = gate_probs.mean(0)
        aux = self.n_experts * (frac_tokens * frac_probs).sum()
        return mixed + tokens, aux


class ProteinFamilyMoE(nn.Module):
    def __init__(self, cfg, n_classes, n_experts=4):
        super().__init__()
        self.encoder = BertModel(cfg)
        self.moe = SwitchFFN(d_model=cfg.hidden_size, d_expert=cfg.intermediate_size, n_experts=n_experts)
        feat_dim = cfg.hidden_size * len(FEATURE_LAYERS)
        self.classifier = nn.Linear(feat_dim, n_classes)

    def forward(self, residue_ids, residue_mask):
        enc = self.encoder(input_ids=residue_ids, attention_mask=residue_mask, output_hidden_states=True)
        stacked = torch.cat([enc.hidden_states[i] for i in FEATURE_LAYERS], dim=-1)
        keep = residue_mask.bool()
        flat = stacked[keep]
        routed, aux = self.moe(flat)
        per_token = stacked.new_zeros(stacked.shape)
        per_token[keep] = routed
        summed = (per_token * residue_mask.unsqueeze(-1)).sum(1)
        pooled = summed / residue_mask.sum(1, keepdim=True).clamp(min=1)
        return self.classifier(pooled), aux


def main():
    workdir = tempfile.mkdtemp(prefix="protmoe_")
    tokenizer = BertTokenizer(write_vocab(workdir), do_lower_case=False)
    cfg = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    model = ProteinFamilyMoE(cfg, n_classes=len(FAMILIES))
    optim = torch.optim.AdamW(model.parameters(), lr=3e-4)

    seqs, fams = fake_proteins(48)
    batch_size = 8
    for epoch in range(2):
        total = 0.0
        for start in range(0, len(seqs), batch_size):
            enc = tokenizer(seqs[start:start + batch_size], padding=True, truncation=True,
                            max_length=48, return_tensors="pt")
            target = torch.tensor(fams[start:start + batch_size])
            logits, aux = model(enc["input_ids"], enc["attention_mask"])
            loss = F.cross_entropy(logits, target) + 0.01 * aux
            optim.zero_grad()
            loss.backward()
            optim.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total:.3f}")

    model.eval()
    with torch.no_grad():
        enc = tokenizer(seqs[:4], padding=True, return_tensors="pt")
        preds = model(enc["input_ids"], enc["attention_mask"])[0].argmax(-1)
    print("predicted families:", [FAMILIES[p] for p in preds.tolist()])


if __name__ == "__main__":
    main()
