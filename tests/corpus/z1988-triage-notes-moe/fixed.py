import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(0)

VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "pt", "reports", "chest", "pain", "shortness", "of", "breath", "bp", "hr",
    "tachy", "##cardia", "hypo", "##tension", "fever", "cough", "since", "yesterday",
    "no", "known", "allergies", "mild", "severe", "headache", "nausea", "dizzy",
    "fall", "at", "home", "wrist", "swelling", "spo2", "/", ",", ".", "%",
    "90", "60", "88", "120", "140", "95", "days", "2", "3", "and", "with",
]
TRIAGE_LEVELS = ["resus", "urgent", "standard", "non_urgent"]

notes = [
    "pt reports chest pain , bp 90/60 , tachycardia",
    "fever and cough since yesterday , spo2 88%",
    "fall at home , wrist swelling , no known allergies",
    "mild headache with nausea 2 days",
    "severe shortness of breath , hypotension , hr 140",
    "dizzy since yesterday , bp 120/95",
]
triage = torch.tensor([0, 1, 2, 3, 0, 2])


class ExpertFFN(nn.Module):
    def __init__(self, d, hidden):
        super().__init__()
        self.up = nn.Linear(d, hidden)
        self.down = nn.Linear(hidden, d)

    def forward(self, x):
        return self.down(F.gelu(self.up(x)))


class Top2MoE(nn.Module):
    def __init__(self, d, n_experts=4, ffn=64):
        super().__init__()
        self.n_experts = n_experts
        self.gate = nn.Linear(d, n_experts, bias=False)
        self.experts = nn.ModuleList(ExpertFFN(d, ffn) for _ in range(n_experts))

    def forward(self, h, token_mask):
        bsz, seqlen, d = h.shape
        gate_probs = self.gate(h).softmax(-1)
        top_w, top_e = gate_probs.topk(2, dim=-1)
        top_w = top_w / top_w.sum(-1, keepdim=True)

        flat_h = h.reshape(-1, d)
        flat_e = top_e.reshape(-1, 2)
        flat_w = top_w.reshape(-1, 2)
        out = torch.zeros_like(flat_h)
        for e, expert in enumerate(self.experts):
            tok_idx, slot = (flat_e == e).nonzero(as_tuple=True)
            if tok_idx.numel() == 0:
                continue
            picked = flat_h.index_select(0, tok_idx)
            contrib = expert(picked) * flat_w[tok_idx, slot].unsqueeze(-1)
            out.index_add_(0, tok_idx, contrib)

        live = token_mask.unsqueeze(-1).float()
        n_live = live.sum()
        frac_routed = (F.one_hot(top_e[..., 0], self.n_experts).float() * live).sum((0, 1)) / n_live
        mean_prob = (gate_probs * live).sum((0, 1)) / n_live
        aux = self.n_experts * (frac_routed * mean_prob).sum()
        return h + out.view(bsz, seqlen, d), aux


class TriageRouter(nn.Module):
    def __init__(self, cfg, n_levels):
        super().__init__()
        self.encoder = BertModel(cfg, add_pooling_layer=False)
        self.moe = Top2MoE(cfg.hidden_size)
        self.head = nn.Linear(cfg.hidden_size, n_levels)

    def forward(self, ids, token_mask):
        h = self.encoder(input_ids=ids, attention_mask=token_mask).last_hidden_state
        h, aux = self.moe(h, token_mask)
        m = token_mask.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1)
        return self.head(pooled), aux


def collate(tok, batch_notes):
    encoded = [tok.encode(n) for n in batch_notes]
    width = max(len(x) for x in encoded)
    ids = torch.full((len(encoded), width), tok.pad_token_id, dtype=torch.long)
    for i, x in enumerate(encoded):
        ids[i, : len(x)] = torch.tensor(x)
    note_lens = torch.tensor([len(x) for x in encoded])
    token_mask = (torch.arange(int(note_lens.max()))[None, :] < note_lens[:, None]).long()
    return ids, token_mask


def main():
    workdir = tempfile.mkdtemp()
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as f:
        f.write("\n".join(VOCAB) + "\n")
    tok = BertTokenizer(vocab_path)

    cfg = BertConfig(
        vocab_size=len(VOCAB), hidden_size=32, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=64, max_position_embeddings=64,
    )
    model = TriageRouter(cfg, len(TRIAGE_LEVELS))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)

    for epoch in range(3):
        for start in range(0, len(notes), 3):
            ids, token_mask = collate(tok, notes[start:start + 3])
            logits, aux = model(ids, token_mask)
            loss = F.cross_entropy(logits, triage[start:start + 3]) + 0.01 * aux
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch} loss {loss.item():.4f}")


if __name__ == "__main__":
    main()
