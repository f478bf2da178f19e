import tempfile
from collections import Counter

import torch
import torch.nn as nn
from transformers import T5Config, T5EncoderModel

torch.manual_seed(0)

tickets = {
    "billing": ["i was charged twice this month", "refund for the duplicate invoice please",
                "my card payment failed again", "why did my subscription price go up"],
    "login": ["cannot log in after password reset", "two factor code never arrives",
              "account locked after too many attempts", "sso login redirects forever"],
    "shipping": ["package still not delivered", "tracking number shows no updates",
                 "parcel arrived damaged", "can i change the delivery address"],
    "bug": ["app crashes when opening settings", "export button does nothing",
            "dashboard charts are blank", "search returns an error page"],
}
queues = list(tickets)
samples = [(text, queues.index(q)) for q in queues for text in tickets[q]]

counts = Counter(w for text, _ in samples for w in text.split())
vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2}
for w, _ in counts.most_common():
    vocab[w] = len(vocab)


def encode_batch(texts):
    rows = [[vocab.get(w, 2) for w in t.split()] + [1] for t in texts]
    L = max(len(r) for r in rows)
    ids = torch.tensor([r + [0] * (L - len(r)) for r in rows])
    return ids, (ids != 0).long()


class TicketRouter(nn.Module):
    def __init__(self, n_queues):
        super().__init__()
        cfg = T5Config(vocab_size=len(vocab), d_model=32, d_kv=16, d_ff=64, num_layers=1,
                       num_heads=2, decoder_start_token_id=0)
        self.encoder = T5EncoderModel(cfg)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(2 * cfg.d_model, n_queues)

    def pool(self, states, attn):
        m = attn.unsqueeze(-1).to(states.dtype)
        mean = (states * m).sum(1) / m.sum(1).clamp(min=1.0)
        mx = states.masked_fill(m == 0, -1e4).max(1).values
        return torch.cat([mean, mx], dim=-1)

    def forward(self, ids, attn):
        states = self.encoder(input_ids=ids, attention_mask=attn).last_hidden_state
        return self.classifier(self.dropout(self.pool(states, attn)))


router = TicketRouter(len(queues))
opt = torch.optim.AdamW(router.parameters(), lr=1e-3)
texts, targets = zip(*samples)
targets = torch.tensor(targets)

for epoch in range(15):
    router.train()
    perm = torch.randperm(len(samples))
    for chunk in perm.split(8):
        ids, attn = encode_batch([texts[i] for i in chunk])
        loss = nn.functional.cross_entropy(router(ids, attn), targets[chunk])
        opt.zero_grad()
        loss.backward()
        opt.step()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1} loss {loss.item():.3f}")

router.eval()
with torch.no_grad():
    ids, attn = encode_batch(["refund my payment", "password reset not working"])
    print([queues[i] for i in router(ids, attn).argmax(-1).tolist()])

with tempfile.TemporaryDirectory() as d:
    torch.save(router.state_dict(), f"{d}/router.pt")
