import math
import os
import tempfile

import torch
import torch.nn as nn
from transformers import DistilBertConfig, DistilBertModel, DistilBertTokenizer

torch.manual_seed(0)

QUEUES = ["billing", "technical", "shipping", "account"]
TICKETS = [
    ("i was charged twice for my invoice please refund", "billing"),
    ("refund has not arrived on my card", "billing"),
    ("the app crashes when i open settings", "technical"),
    ("login page shows an error after update", "technical"),
    ("my package has not arrived tracking is stuck", "shipping"),
    ("parcel delivered to the wrong address", "shipping"),
    ("please change the email on my account", "account"),
    ("how do i delete my account and data", "account"),
]


def write_vocab(folder, sentences):
    words = sorted({w for s in sentences for w in s.split()})
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    return path


class LoraProjection(nn.Module):
    def __init__(self, frozen: nn.Linear, r=8, alpha=16, dropout=0.05):
        super().__init__()
        self.frozen = frozen
        self.lora_A = nn.Parameter(torch.empty(r, frozen.in_features))
        self.lora_B = nn.Parameter(torch.zeros(frozen.out_features, r))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.drop = nn.Dropout(dropout)
        self.scale = alpha / r

    def forward(self, x):
        base_out = self.frozen(x)
        delta = self.drop(x.to(self.lora_A.dtype)) @ self.lora_A.t() @ self.lora_B.t()
        return base_out + (delta * self.scale).to(base_out.dtype)


def add_lora(model, names=("q_lin", "v_lin"), r=8):
    wrapped = 0
    for block in model.transformer.layer:
        for name in names:
            setattr(block.attention, name, LoraProjection(getattr(block.attention, name), r=r))
            wrapped += 1
    return wrapped


class TicketRouter(nn.Module):
    def __init__(self, encoder, n_queues):
        super().__init__()
        self.encoder = encoder
        self.route = nn.Sequential(nn.Dropout(0.1), nn.Linear(encoder.config.dim, n_queues))

    def forward(self, ids, mask):
        states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        pooled = states[:, 0].float()
        return self.route(pooled)


def main():
    tmp = tempfile.mkdtemp()
    texts = [t for t, _ in TICKETS]
    tok = DistilBertTokenizer(write_vocab(tmp, texts))
    queue_ids = torch.tensor([QUEUES.index(q) for _, q in TICKETS])

    cfg = DistilBertConfig(
        vocab_size=tok.vocab_size,
        dim=32,
        n_layers=2,
        n_heads=2,
        hidden_dim=64,
        max_position_embeddings=64,
    )
    encoder = DistilBertModel(cfg)
    encoder.requires_grad_(False)
    encoder.to(torch.bfloat16)
    n_wrapped = add_lora(encoder, r=8)
    print(f"wrapped {n_wrapped} projections with LoRA")

    router = TicketRouter(encoder, len(QUEUES))
    params = [p for p in router.parameters() if p.requires_grad]
    print(f"trainable tensors: {len(params)}, values: {sum(p.numel() for p in params)}")
    opt = torch.optim.AdamW(params, lr=2e-3, weight_decay=0.0)
    criterion = nn.CrossEntropyLoss()

    batch = tok(texts, padding="longest", return_tensors="pt")
    router.train()
    for epoch in range(6):
        perm = torch.randperm(len(texts))
        for chunk in perm.split(4):
            logits = router(batch["input_ids"][chunk], batch["attention_mask"][chunk])
            loss = criterion(logits, queue_ids[chunk])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch}: loss={loss.item():.4f}")

    router.eval()
    with torch.no_grad():
        routed = router(batch["input_ids"], batch["attention_mask"]).argmax(-1)
    for (text, gold), p in zip(TICKETS, routed.tolist()):
        print(f"{gold:>9} -> {QUEUES[p]:<9} | {text}")


if __name__ == "__main__":
    main()
