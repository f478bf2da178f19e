import os
import random
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(1)
random.seed(1)

MAX_TICKET_TOKENS = 40
QUEUES = ["billing", "outage", "account", "shipping"]
WORDS = {
    "billing": "invoice charged twice refund card payment".split(),
    "outage": "down error server timeout cannot load".split(),
    "account": "password login reset locked email".split(),
    "shipping": "parcel delivery late tracking courier".split(),
}
FILLER = "hello please help my the is a since yesterday thanks urgent".split()


def build_tokenizer(tmp):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + FILLER + sorted({w for ws in WORDS.values() for w in ws})
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(vocab) + "\n")
    return BertTokenizer(path)


def synth_tickets(n):
    out = []
    for _ in range(n):
        q = random.randrange(len(QUEUES))
        words = random.choices(WORDS[QUEUES[q]], k=random.randint(3, 6)) + random.choices(FILLER, k=random.randint(4, 20))
        random.shuffle(words)
        out.append((" ".join(words), q))
    return out


class NoisyTop2MoE(nn.Module):
    def __init__(self, width, n_experts=4, hidden=64):
        super().__init__()
        self.n_experts = n_experts
        self.w_gate = nn.Linear(width, n_experts, bias=False)
        self.w_noise = nn.Linear(width, n_experts, bias=False)
        self.experts = nn.ModuleList(
            nn.Sequential(nn.Linear(width, hidden), nn.ReLU(), nn.Linear(hidden, width)) for _ in range(n_experts)
        )

    def forward(self, x):
        logits = self.w_gate(x)
        if self.training:
            logits = logits + torch.randn_like(logits) * F.softplus(self.w_noise(x))
        top_vals, top_idx = logits.topk(2, dim=-1)
        weights = F.softmax(top_vals, dim=-1)
        gates = torch.zeros_like(logits).scatter(1, top_idx, weights)

        y = torch.zeros_like(x)
        for e in range(self.n_experts):
            rows = (gates[:, e] > 0).nonzero(as_tuple=True)[0]
            if rows.numel() == 0:
                continue
            contrib = self.experts[e](x.index_select(0, rows)) * gates[rows, e].unsqueeze(1)
            y = y.scatter_add(0, rows.unsqueeze(1).expand_as(contrib), contrib)

        importance = gates.sum(0)
        cv_sq = importance.var() / (importance.mean() ** 2 + 1e-9)
        return y, cv_sq


class TicketRouter(nn.Module):
    def __init__(self, cfg, n_queues):
        super().__init__()
        self.bert = BertModel(cfg)
        self.moe = NoisyTop2MoE(cfg.hidden_size)
        self.norm = nn.LayerNorm(cfg.hidden_size)
        self.out = nn.Linear(cfg.hidden_size, n_queues)

    def forward(self, word_ids, word_mask):
        h = self.bert(input_ids=word_ids, attention_mask=word_mask).last_hidden_state
        real = word_mask.bool()
        moe_out, balance = self.moe(h[real])
        h = h.clone()
        h[real] = self.norm(h[real] + moe_out)
        pooled = (h * word_mask.unsqueeze(-1)).sum(1) / word_mask.sum(1, keepdim=True)
        return self.out(pooled), balance


def collate(batch, pad_id):
    seqs = [torch.tensor(ids) for ids, _ in batch]
    lengths = torch.tensor([len(s) for s in seqs])
    word_ids = pad_sequence(seqs, batch_first=True, padding_value=pad_id)
    word_mask = (torch.arange(MAX_TICKET_TOKENS)[None, :] < lengths[:, None]).long()
    queue = torch.tensor([q for _, q in batch])
    return word_ids, word_mask, queue


def main():
    tmp = tempfile.mkdtemp(prefix="tickets_")
    tok = build_tokenizer(tmp)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    model = TicketRouter(cfg, len(QUEUES))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    tickets = synth_tickets(64)
    encoded = [(tok.encode(text, truncation=True, max_length=MAX_TICKET_TOKENS), q) for text, q in tickets]

    model.train()
    for step in range(0, len(encoded), 16):
        word_ids, word_mask, queue = collate(encoded[step:step + 16], tok.pad_token_id)
        logits, balance = model(word_ids, word_mask)
        loss = F.cross_entropy(logits, queue) + 0.1 * balance
        opt.zero_grad()
        loss.backward()
        opt.step()
        print(f"step {step // 16} loss={loss.item():.4f} balance={balance.item():.4f}")

    model.eval()
    with torch.no_grad():
        word_ids, word_mask, queue = collate(encoded[:8], tok.pad_token_id)
        acc = (model(word_ids, word_mask)[0].argmax(-1) == queue).float().mean()
    print(f"sanity accuracy on 8 tickets: {acc:.2f}")


if __name__ == "__main__":
    main()
